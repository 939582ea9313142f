package dev.berth.adapters.http.tls;

import dev.berth.application.access.Administration;
import dev.berth.application.fake.InMemoryUsers;
import dev.berth.application.tls.ActivateCertificate;
import dev.berth.application.tls.CertificateSummary;
import dev.berth.application.tls.EnsureServedCertificate;
import dev.berth.application.tls.GenerateCertificate;
import dev.berth.application.tls.Hostname;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The mechanism behind "switch without restart", on a real TLS server socket: the key manager
 * Payara's listener gets by algorithm name serves whatever the served key store holds now.
 */
class ReloadingKeyManagerTest {

    @TempDir
    Path directory;

    @Test
    void newConnectionsSeeAnActivatedCertificateWhileOpenOnesKeepTheirs() throws Exception {
        Clock clock = Clock.systemUTC();
        FileCertificateStore store = new FileCertificateStore(directory);
        BouncyCastleCertificateIssuer issuer = new BouncyCastleCertificateIssuer();
        CertificateSummary first = new EnsureServedCertificate(store, issuer, clock).ensure(List.of(Hostname.parse("first.example")));

        ReloadingKeyManagerProvider.install(store.servedFile());
        KeyManagerFactory factory = KeyManagerFactory.getInstance(ReloadingKeyManagerProvider.ALGORITHM);
        factory.init((KeyStore) null, null);
        SSLContext server = SSLContext.getInstance("TLS");
        server.init(factory.getKeyManagers(), null, null);

        ExecutorService accepting = Executors.newVirtualThreadPerTaskExecutor();
        try (SSLServerSocket listener = (SSLServerSocket) server.getServerSocketFactory()
                .createServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            accepting.submit(() -> {
                while (!listener.isClosed()) {
                    SSLSocket socket = (SSLSocket) listener.accept();
                    accepting.submit(() -> {
                        socket.startHandshake();
                        return socket.getInputStream().read(); // hold the connection open until the client closes
                    });
                }
                return null;
            });

            try (SSLSocket open = connect(listener.getLocalPort())) {
                assertThat(fingerprint(open)).isEqualTo(first.sha256Fingerprint());

                new GenerateCertificate(store, issuer, new InMemoryUsers(), clock).signedByLocalAuthority(Administration.SYSTEM, Administration.LOCAL, List.of(Hostname.parse("second.example")));
                CertificateSummary second = new ActivateCertificate(store, new InMemoryUsers(), clock).activate(Administration.SYSTEM, Administration.LOCAL);

                try (SSLSocket fresh = connect(listener.getLocalPort())) {
                    assertThat(fingerprint(fresh)).isEqualTo(second.sha256Fingerprint()).isNotEqualTo(first.sha256Fingerprint());
                }
                assertThat(fingerprint(open)).isEqualTo(first.sha256Fingerprint());

                // a broken file never takes HTTPS down: the last good certificate stays
                Files.writeString(store.servedFile(), "garbage");
                try (SSLSocket afterDamage = connect(listener.getLocalPort())) {
                    assertThat(fingerprint(afterDamage)).isEqualTo(second.sha256Fingerprint());
                }
            }
        } finally {
            accepting.shutdownNow();
        }
    }

    private static SSLSocket connect(int port) throws Exception {
        SSLContext client = SSLContext.getInstance("TLS");
        client.init(null, new TrustManager[] {new TrustEverything()}, null);
        SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port);
        socket.startHandshake();
        return socket;
    }

    private static String fingerprint(SSLSocket socket) throws IOException {
        return CertificateSummary.fingerprint((X509Certificate) socket.getSession().getPeerCertificates()[0]);
    }

    /** The test compares fingerprints itself. */
    private static final class TrustEverything implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
