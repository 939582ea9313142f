package dev.berth.adapters.http.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;

/**
 * The PKCS#12 file the HTTPS listener serves from: one key entry, alias {@value #ALIAS}. Written
 * whole to a temporary file and moved into place, so a reader never sees half a key store; the
 * file's permissions, not its fixed password, protect it (like a PEM key file).
 */
public final class ServedKeyStore {

    public static final String ALIAS = "berth";
    /** PKCS#12 wants a password; the file is readable by its owner only. */
    public static final String PASSWORD = "berth-served";

    private ServedKeyStore() {
    }

    public static void write(Path file, PrivateKey key, List<X509Certificate> chain) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(ALIAS, key, PASSWORD.toCharArray(), chain.toArray(Certificate[]::new));
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path temporary = Files.createTempFile(file.toAbsolutePath().getParent(), ".served-", ".tmp");
            try {
                OwnerOnly.restrict(temporary);
                try (OutputStream out = Files.newOutputStream(temporary)) {
                    store.store(out, PASSWORD.toCharArray());
                }
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(temporary);
            }
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot write the served key store " + file + ": " + e.getMessage(), e);
        }
    }

    /** The key and chain in {@code file}. */
    public static Entry read(Path file) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, PASSWORD.toCharArray());
        }
        if (!(store.getKey(ALIAS, PASSWORD.toCharArray()) instanceof PrivateKey key)) {
            throw new GeneralSecurityException(file + " has no private key under the alias " + ALIAS);
        }
        Certificate[] chain = store.getCertificateChain(ALIAS);
        return new Entry(key, Arrays.stream(chain).map(X509Certificate.class::cast).toList());
    }

    public record Entry(PrivateKey key, List<X509Certificate> chain) {
        public Entry {
            chain = List.copyOf(chain);
        }
    }
}
