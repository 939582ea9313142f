package dev.berth.adapters.http.tls;

import dev.berth.application.tls.CertificateIssuer.KeyedChain;
import dev.berth.application.tls.CertificateStore;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.Optional;

/**
 * Certificates and keys as files in one directory (owner-only): {@code ca.crt}/{@code ca.key} for
 * Berth's local CA, {@code served.p12} which the HTTPS listener follows, {@code staged.p12} waiting
 * for activation, {@code request.key}/{@code request.pub} for the last certificate request. Before
 * Payara boots (no database yet) the launcher's store; once Berth runs, this node's copy of the
 * cluster's certificates in PostgreSQL ({@code AdoptSharedCertificates}).
 */
public final class FileCertificateStore implements CertificateStore {

    private final Path directory;
    private final BouncyCastlePemCodec pem = new BouncyCastlePemCodec();

    public FileCertificateStore(Path directory) {
        this.directory = directory.toAbsolutePath();
    }

    public Path directory() {
        return directory;
    }

    /** The key store the HTTPS listener serves from. */
    public Path servedFile() {
        return directory.resolve("served.p12");
    }

    @Override
    public Optional<KeyedChain> authority() {
        Path certificate = directory.resolve("ca.crt");
        Path key = directory.resolve("ca.key");
        if (!Files.exists(certificate) || !Files.exists(key)) {
            return Optional.empty();
        }
        return Optional.of(new KeyedChain(pem.privateKey(read(key), null), pem.certificates(read(certificate))));
    }

    @Override
    public void saveAuthority(KeyedChain authority) {
        write(directory.resolve("ca.key"), BouncyCastlePemCodec.encodeKey(authority.key()));
        write(directory.resolve("ca.crt"), pem.encode(authority.chain()));
    }

    @Override
    public Optional<KeyedChain> served() {
        return keyStore(servedFile());
    }

    @Override
    public void serve(KeyedChain certificate) {
        prepareDirectory();
        ServedKeyStore.write(servedFile(), certificate.key(), certificate.chain());
    }

    @Override
    public Optional<KeyedChain> staged() {
        return keyStore(directory.resolve("staged.p12"));
    }

    @Override
    public void stage(KeyedChain certificate) {
        prepareDirectory();
        ServedKeyStore.write(directory.resolve("staged.p12"), certificate.key(), certificate.chain());
    }

    @Override
    public void clearStaged() {
        delete(directory.resolve("staged.p12"));
    }

    @Override
    public Optional<KeyPair> requestKeys() {
        Path key = directory.resolve("request.key");
        Path publicKey = directory.resolve("request.pub");
        if (!Files.exists(key) || !Files.exists(publicKey)) {
            return Optional.empty();
        }
        try (PEMParser parser = new PEMParser(new StringReader(read(publicKey)))) {
            PublicKey pub = new JcaPEMKeyConverter().getPublicKey((SubjectPublicKeyInfo) parser.readObject());
            return Optional.of(new KeyPair(pub, pem.privateKey(read(key), null)));
        } catch (IOException | ClassCastException e) {
            throw new IllegalStateException("cannot read " + publicKey + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void saveRequestKeys(KeyPair keys) {
        write(directory.resolve("request.key"), BouncyCastlePemCodec.encodeKey(keys.getPrivate()));
        write(directory.resolve("request.pub"), Pem.encode("PUBLIC KEY", keys.getPublic().getEncoded()));
    }

    @Override
    public void clearRequestKeys() {
        delete(directory.resolve("request.key"));
        delete(directory.resolve("request.pub"));
    }

    private Optional<KeyedChain> keyStore(Path file) {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            ServedKeyStore.Entry entry = ServedKeyStore.read(file);
            return Optional.of(new KeyedChain(entry.key(), entry.chain()));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private void prepareDirectory() {
        try {
            if (!Files.isDirectory(directory)) {
                Files.createDirectories(directory);
                OwnerOnly.restrict(directory);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + directory, e);
        }
    }

    private void write(Path file, String text) {
        prepareDirectory();
        try {
            Path temporary = Files.createTempFile(directory, "." + file.getFileName(), ".tmp");
            try {
                OwnerOnly.restrict(temporary);
                Files.writeString(temporary, text, StandardCharsets.US_ASCII);
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(temporary);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + file, e);
        }
    }
}
