package dev.berth.adapters.http.tls;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/** TLS for Berth's own HTTP clients: the JVM's certificate authorities, plus those of a configured PEM bundle. */
public final class TrustedAuthorities {

    private TrustedAuthorities() {
    }

    /**
     * @param key the configuration key that named the bundle, for the message of a bundle that cannot be read
     * @throws IllegalArgumentException when the bundle holds no PEM certificate or cannot be read
     */
    public static SSLContext jvmAnd(Optional<Path> caBundle, String key) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            if (caBundle.isEmpty()) {
                context.init(null, null, null);
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
            context.init(null, both.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(key + ": " + caBundle.orElse(null)
                    + " cannot be read as PEM certificates: " + e.getMessage(), e);
        }
    }
}
