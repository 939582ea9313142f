package dev.berth.adapters.db;

import dev.berth.application.tls.CertificateIssuer.KeyedChain;
import dev.berth.application.tls.SharedCertificateStore;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The cluster's TLS certificates in {@code tls_certificate} (V23__shared_certificates.sql), one row per
 * role; the private keys (PKCS#8) sealed with the secrets key ({@link SecretBox}), bound to their role.
 * V23's trigger tells every node of a change; {@link MetadataChanges} passes it on to {@link #onChange}'s
 * listener.
 */
public final class PostgresCertificateStore implements SharedCertificateStore {

    /** "berthtls": the advisory lock of publishing or renewing the cluster's certificates. */
    private static final long CERTIFICATES_TURN = 0x6265727468746c73L;
    private static final String AUTHORITY = "authority";
    private static final String SERVED = "served";
    private static final String STAGED = "staged";
    private static final String REQUEST = "request";

    private final Jpa jpa;
    private final SecretBox secrets;
    private final MetadataDatabase database;

    public PostgresCertificateStore(MetadataDatabase database) {
        this.jpa = database.jpa();
        this.secrets = database.secrets();
        this.database = database;
    }

    @Override
    public <T> T exclusively(Supplier<T> work) {
        return jpa.transaction(em -> {
            // a turn across nodes until commit: the next node to get here sees what this one wrote
            em.createNativeQuery("SELECT pg_advisory_xact_lock(:turn)").setParameter("turn", CERTIFICATES_TURN)
                    .getSingleResult();
            return work.get();
        });
    }

    @Override
    public void onChange(Runnable listener) {
        database.onCertificatesChanged(listener);
    }

    @Override
    public Optional<KeyedChain> authority() {
        return chain(AUTHORITY);
    }

    @Override
    public void saveAuthority(KeyedChain authority) {
        save(AUTHORITY, authority.key(), authority.chain(), null);
    }

    @Override
    public Optional<KeyedChain> served() {
        return chain(SERVED);
    }

    @Override
    public void serve(KeyedChain certificate) {
        save(SERVED, certificate.key(), certificate.chain(), null);
    }

    @Override
    public Optional<KeyedChain> staged() {
        return chain(STAGED);
    }

    @Override
    public void stage(KeyedChain certificate) {
        save(STAGED, certificate.key(), certificate.chain(), null);
    }

    @Override
    public void clearStaged() {
        delete(STAGED);
    }

    @Override
    public Optional<KeyPair> requestKeys() {
        return read(REQUEST).map(row -> {
            try {
                PublicKey publicKey = KeyFactory.getInstance(row.algorithm())
                        .generatePublic(new X509EncodedKeySpec(row.publicKey()));
                return new KeyPair(publicKey, row.key());
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("tls_certificate " + REQUEST + ": unreadable public key: "
                        + e.getMessage(), e);
            }
        });
    }

    @Override
    public void saveRequestKeys(KeyPair keys) {
        save(REQUEST, keys.getPrivate(), null, keys.getPublic().getEncoded());
    }

    @Override
    public void clearRequestKeys() {
        delete(REQUEST);
    }

    /** What a private key's sealing is bound to: a sealed key copied to another role does not open. */
    static String where(String role) {
        return "tls_certificate.private_key role=" + role;
    }

    private record Row(String algorithm, PrivateKey key, String chain, byte[] publicKey) {
    }

    private Optional<KeyedChain> chain(String role) {
        return read(role).map(row -> new KeyedChain(row.key(), certificates(role, row.chain())));
    }

    private Optional<Row> read(String role) {
        return jpa.jdbc(c -> {
            try (PreparedStatement query = c.prepareStatement(
                    "SELECT key_algorithm, private_key, chain, public_key FROM tls_certificate WHERE role = ?")) {
                query.setString(1, role);
                try (ResultSet rs = query.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    String algorithm = rs.getString(1);
                    byte[] pkcs8 = secrets.open(rs.getBytes(2), where(role));
                    return Optional.of(new Row(algorithm, privateKey(role, algorithm, pkcs8), rs.getString(3),
                            rs.getBytes(4)));
                }
            }
        });
    }

    private void save(String role, PrivateKey key, List<X509Certificate> chain, byte[] publicKey) {
        String algorithm = key.getAlgorithm().equals("ECDSA") ? "EC" : key.getAlgorithm();
        byte[] sealed = secrets.seal(key.getEncoded(), where(role));
        String pem = chain == null ? null : pem(chain);
        jpa.jdbc(c -> {
            try (PreparedStatement upsert = c.prepareStatement("""
                    INSERT INTO tls_certificate (role, key_algorithm, private_key, chain, public_key, updated_at)
                    VALUES (?, ?, ?, ?, ?, now())
                    ON CONFLICT (role) DO UPDATE SET key_algorithm = EXCLUDED.key_algorithm,
                        private_key = EXCLUDED.private_key, chain = EXCLUDED.chain, public_key = EXCLUDED.public_key,
                        updated_at = now()""")) {
                upsert.setString(1, role);
                upsert.setString(2, algorithm);
                upsert.setBytes(3, sealed);
                upsert.setString(4, pem);
                upsert.setBytes(5, publicKey);
                return upsert.executeUpdate();
            }
        });
    }

    private void delete(String role) {
        jpa.jdbc(c -> {
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM tls_certificate WHERE role = ?")) {
                delete.setString(1, role);
                return delete.executeUpdate();
            }
        });
    }

    private static PrivateKey privateKey(String role, String algorithm, byte[] pkcs8) {
        try {
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("tls_certificate " + role + ": unreadable " + algorithm + " key: "
                    + e.getMessage(), e);
        }
    }

    private static List<X509Certificate> certificates(String role, String pem) {
        try {
            return CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))
                    .stream().map(X509Certificate.class::cast).toList();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("tls_certificate " + role + ": unreadable certificates: " + e.getMessage(), e);
        }
    }

    /** PEM, leaf first: public, readable by an operator with psql. */
    private static String pem(List<X509Certificate> chain) {
        StringBuilder pem = new StringBuilder();
        Base64.Encoder base64 = Base64.getMimeEncoder(64, new byte[]{'\n'});
        for (X509Certificate certificate : chain) {
            try {
                pem.append("-----BEGIN CERTIFICATE-----\n").append(base64.encodeToString(certificate.getEncoded()))
                        .append("\n-----END CERTIFICATE-----\n");
            } catch (CertificateEncodingException e) {
                throw new IllegalStateException("cannot encode " + certificate.getSubjectX500Principal(), e);
            }
        }
        return pem.toString();
    }
}
