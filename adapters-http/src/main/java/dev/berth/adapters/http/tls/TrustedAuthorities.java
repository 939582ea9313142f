package dev.berth.adapters.http.tls;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.InvalidKeyException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * TLS for Berth's own HTTP clients: the JVM's certificate authorities, plus those of a configured PEM bundle,
 * and a client certificate where an upstream asks for one.
 */
public final class TrustedAuthorities {

    private TrustedAuthorities() {
    }

    /**
     * @param key the configuration key that named the bundle, for the message of a bundle that cannot be read
     * @throws IllegalArgumentException when the bundle holds no PEM certificate or cannot be read
     */
    public static SSLContext jvmAnd(Optional<Path> caBundle, String key) {
        return jvmAnd(caBundle, key, null);
    }

    /**
     * As {@link #jvmAnd(Optional, String)}, presenting a client certificate to servers that ask for one
     * (mutual TLS) when {@code client} is given.
     */
    public static SSLContext jvmAnd(Optional<Path> caBundle, String key, KeyManager[] client) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            if (caBundle.isEmpty()) {
                context.init(client, null, null);
                return context;
            }
            KeyStore anchors = KeyStore.getInstance("PKCS12");
            anchors.load(null, null);
            TrustManagerFactory jvm = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            jvm.init((KeyStore) null);
            int n = 0;
            for (var manager : jvm.getTrustManagers()) {
                if (manager instanceof X509TrustManager x509) {
                    for (X509Certificate ca : x509.getAcceptedIssuers()) {
                        anchors.setCertificateEntry("jvm-" + n++, ca);
                    }
                }
            }
            List<? extends Certificate> bundle;
            try (InputStream in = Files.newInputStream(caBundle.get())) {
                bundle = List.copyOf(CertificateFactory.getInstance("X.509").generateCertificates(in));
            }
            if (bundle.isEmpty()) {
                throw new IllegalArgumentException(key + ": " + caBundle.get() + " holds no PEM certificate");
            }
            for (Certificate ca : bundle) {
                anchors.setCertificateEntry("bundle-" + n++, ca);
            }
            TrustManagerFactory both = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            both.init(anchors);
            context.init(client, both.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(key + ": " + caBundle.orElse(null)
                    + " cannot be read as PEM certificates: " + e.getMessage(), e);
        }
    }

    /**
     * The key managers of a client identity: a PEM certificate chain (the client's certificate first)
     * and its unencrypted PEM private key (PKCS#8, PKCS#1 or SEC 1).
     *
     * @param key the configuration key that named the files, for messages
     * @throws IllegalArgumentException when either cannot be read, or the key does not belong to the certificate
     */
    public static KeyManager[] clientIdentity(Path certificate, Path privateKey, String key) {
        try {
            BouncyCastlePemCodec pem = new BouncyCastlePemCodec();
            List<X509Certificate> chain = pem.certificates(Files.readString(certificate));
            PrivateKey secret = pem.privateKey(Files.readString(privateKey), null);
            if (chain.isEmpty()) {
                throw new IllegalArgumentException(key + ": " + certificate + " holds no PEM certificate");
            }
            if (!belongsTo(secret, chain.getFirst().getPublicKey())) {
                throw new IllegalArgumentException(key + ": the private key " + privateKey
                        + " does not belong to the certificate " + certificate);
            }
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            char[] password = "client".toCharArray();
            store.setKeyEntry("client", secret, password, chain.toArray(X509Certificate[]::new));
            KeyManagerFactory managers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            managers.init(store, password);
            return managers.getKeyManagers();
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            if (e instanceof IllegalArgumentException illegal && illegal.getMessage().startsWith(key)) {
                throw illegal;
            }
            throw new IllegalArgumentException(key + ": " + certificate + " and " + privateKey
                    + " cannot be read as a PEM certificate and its private key: " + e.getMessage(), e);
        }
    }

    /** Whether the private key signs what the certificate's public key verifies: a mixed-up pair fails at start, not at the handshake. */
    private static boolean belongsTo(PrivateKey secret, PublicKey certified) throws GeneralSecurityException {
        String algorithm = switch (secret.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> secret.getAlgorithm(); // Ed25519, Ed448
        };
        byte[] probe = "berth client certificate".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Signature signing = Signature.getInstance(algorithm);
        signing.initSign(secret);
        signing.update(probe);
        byte[] signature = signing.sign();
        Signature checking = Signature.getInstance(algorithm);
        try {
            checking.initVerify(certified);
            checking.update(probe);
            return checking.verify(signature);
        } catch (InvalidKeyException e) {
            return false; // another key type altogether
        }
    }
}
