package dev.berth.adapters.http.tls;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Serves the key and chain of the {@link ServedKeyStore} file as it is at each handshake: when the
 * file changes (a certificate was activated), the next new connection gets the new certificate,
 * while established connections keep theirs. One {@code stat} per handshake is the whole cost.
 */
final class ReloadingKeyManager extends X509ExtendedKeyManager {

    private static final Logger LOG = Logger.getLogger(ReloadingKeyManager.class.getName());

    private final Path file;
    private volatile Loaded loaded;

    ReloadingKeyManager(Path file) throws IOException, GeneralSecurityException {
        this.file = file;
        this.loaded = load(version(file));
    }

    private record Version(Object fileKey, long modified, long size) {
    }

    private record Loaded(Version version, PrivateKey key, X509Certificate[] chain) {
    }

    private Loaded current() {
        Loaded now = loaded;
        try {
            Version version = version(file);
            if (!version.equals(now.version())) {
                synchronized (this) {
                    now = loaded;
                    if (!version.equals(now.version())) {
                        now = load(version);
                        loaded = now;
                        LOG.info("HTTPS now serves " + now.chain()[0].getSubjectX500Principal().getName());
                    }
                }
            }
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            // a broken or missing file must not take HTTPS down: keep serving what worked
            LOG.log(Level.WARNING, "Keeping the served certificate: cannot read " + file + ": " + e.getMessage());
        }
        return now;
    }

    private static Version version(Path file) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        return new Version(Objects.requireNonNullElse(attributes.fileKey(), ""),
                attributes.lastModifiedTime().toMillis(), attributes.size());
    }

    private Loaded load(Version version) throws IOException, GeneralSecurityException {
        ServedKeyStore.Entry entry = ServedKeyStore.read(file);
        return new Loaded(version, entry.key(), entry.chain().toArray(X509Certificate[]::new));
    }

    private String alias(String keyType) {
        return keyType != null && keyType.equals(current().key().getAlgorithm()) ? ServedKeyStore.ALIAS : null;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return alias(keyType);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return alias(keyType);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        String alias = alias(keyType);
        return alias == null ? null : new String[] {alias};
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return ServedKeyStore.ALIAS.equals(alias) ? current().chain().clone() : null;
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return ServedKeyStore.ALIAS.equals(alias) ? current().key() : null;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }
}
