package dev.berth.adapters.http.upstream;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.berth.adapters.http.tls.BouncyCastleCertificateIssuer;
import dev.berth.adapters.http.tls.BouncyCastlePemCodec;
import dev.berth.application.tls.CertificateIssuer;
import dev.berth.application.tls.Hostname;
import dev.berth.adapters.http.testserver.JwksServer;
import dev.berth.application.port.UpstreamRegistry.UpstreamBlob;
import dev.berth.application.port.UpstreamRegistry.UpstreamException;
import dev.berth.domain.Digest;
import dev.berth.domain.DigestAlgorithm;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.Tag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Against a registry on loopback that asks for a bearer token (the Docker token spec) and keeps blobs on a "CDN". */
class HttpUpstreamRegistryTest {

    private static final RepositoryName REPO = RepositoryName.parse("library/app");
    private static final byte[] BLOB = "layer bytes".getBytes(StandardCharsets.UTF_8);
    private static final Digest BLOB_DIGEST = Digest.of(DigestAlgorithm.SHA256, BLOB);
    private static final Digest MANIFEST_DIGEST = Digest.of(DigestAlgorithm.SHA256, "{}".getBytes(StandardCharsets.UTF_8));
    private static final String BASIC = "Basic " + Base64.getEncoder().encodeToString("mirror:s3cret-pw".getBytes(StandardCharsets.UTF_8));

    private final HttpServer registry = server();
    private final HttpServer cdn = server();
    private final AtomicInteger tokensIssued = new AtomicInteger();
    private final List<String> cdnAuthorizations = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        registry.stop(0);
        cdn.stop(0);
    }

    private static HttpServer server() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.start();
            return server;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private String base(HttpServer server) {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void serveWithTokens() {
        registry.createContext("/token", exchange -> {
            boolean known = BASIC.equals(exchange.getRequestHeaders().getFirst("Authorization"));
            String query = exchange.getRequestURI().getQuery();
            boolean scoped = query.matches(".*scope=repository:[a-z/]+:pull.*") && query.contains("service=test-registry");
            if (!known || !scoped) {
                send(exchange, 401, new byte[0]);
                return;
            }
            tokensIssued.incrementAndGet();
            send(exchange, 200, "{\"token\":\"t-1\",\"expires_in\":300}".getBytes(StandardCharsets.UTF_8));
        });
        registry.createContext("/v2/", exchange -> {
            if (!"Bearer t-1".equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"" + base(registry)
                        + "/token\",service=\"test-registry\",scope=\"repository:library/app:pull\"");
                send(exchange, 401, new byte[0]);
                return;
            }
            String path = exchange.getRequestURI().getPath();
            if (path.equals("/v2/library/app/manifests/v1")) {
                exchange.getResponseHeaders().add("Docker-Content-Digest", MANIFEST_DIGEST.toString());
                send(exchange, 200, "{}".getBytes(StandardCharsets.UTF_8));
            } else if (path.equals("/v2/library/app/tags/list")) {
                String query = exchange.getRequestURI().getQuery();
                if (query.contains("last=b")) {
                    send(exchange, 200, "{\"name\":\"library/app\",\"tags\":[\"c\",\"not a tag\"]}"
                            .getBytes(StandardCharsets.UTF_8));
                } else {
                    exchange.getResponseHeaders().add("Link", "</v2/library/app/tags/list?last=b&n=1000>; rel=\"next\"");
                    send(exchange, 200, "{\"name\":\"library/app\",\"tags\":[\"a\",\"b\"]}"
                            .getBytes(StandardCharsets.UTF_8));
                }
            } else if (path.equals("/v2/library/app/blobs/" + BLOB_DIGEST)) {
                exchange.getResponseHeaders().add("Location", base(cdn) + "/signed/blob?sig=1");
                send(exchange, 307, new byte[0]);
            } else {
                send(exchange, path.contains("/broken/") ? 500 : 404, new byte[0]);
            }
        });
        cdn.createContext("/signed/", exchange -> {
            cdnAuthorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            send(exchange, 200, BLOB);
        });
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head || body.length == 0 ? -1 : body.length);
        if (!head && body.length > 0) {
            exchange.getResponseBody().write(body);
        }
        exchange.close();
    }

    private HttpUpstreamRegistry upstream(String user, String password) {
        return new HttpUpstreamRegistry(URI.create(base(registry) + "/"), Optional.ofNullable(user),
                Optional.ofNullable(password), Optional.empty(), "proxy.cabundle", Clock.systemUTC());
    }

    @Test
    void answersABearerChallengeWithATokenFetchedWithTheCredentialsAndKeepsIt() {
        serveWithTokens();
        HttpUpstreamRegistry upstream = upstream("mirror", "s3cret-pw");

        assertThat(upstream.resolve(REPO, Tag.parse("v1"))).contains(MANIFEST_DIGEST);
        assertThat(upstream.resolve(REPO, Tag.parse("v1"))).contains(MANIFEST_DIGEST);
        assertThat(upstream.resolve(REPO, Tag.parse("gone"))).isEmpty();
        assertThat(tokensIssued).as("one token for the scope, reused").hasValue(1);
    }

    @Test
    void listsTagsPageByPageWithTheTokenUpToTheLimit() {
        serveWithTokens();
        HttpUpstreamRegistry upstream = upstream("mirror", "s3cret-pw");

        assertThat(upstream.tags(REPO, 100).orElseThrow()).as("both pages, without the invalid name")
                .extracting(Tag::value).containsExactly("a", "b", "c");
        assertThat(upstream.tags(REPO, 2).orElseThrow()).extracting(Tag::value).containsExactly("a", "b");
        assertThat(tokensIssued).as("the pull token of the repository serves its pages").hasValue(1);
        assertThat(upstream.tags(RepositoryName.parse("library/none"), 100)).isEmpty();
    }

    @Test
    void followsABlobRedirectWithoutTheCredentials() throws IOException {
        serveWithTokens();
        UpstreamBlob blob = upstream("mirror", "s3cret-pw").blob(REPO, BLOB_DIGEST).orElseThrow();

        try (InputStream content = blob.content()) {
            assertThat(content.readAllBytes()).isEqualTo(BLOB);
        }
        assertThat(blob.size()).isEqualTo(BLOB.length);
        assertThat(cdnAuthorizations).containsExactly("null");
    }

    @Test
    void refusedCredentialsAndServerErrorsAreUpstreamErrorsThatNeverNameThePassword() {
        serveWithTokens();
        assertThatThrownBy(() -> upstream("mirror", "wrong-pw").resolve(REPO, Tag.parse("v1")))
                .isInstanceOf(UpstreamException.class).hasMessageNotContaining("wrong-pw");
        assertThatThrownBy(() -> upstream("mirror", "s3cret-pw").manifest(RepositoryName.parse("broken/app"), MANIFEST_DIGEST))
                .isInstanceOf(UpstreamException.class).hasMessageContaining("answered 500");
        registry.stop(0);
        assertThatThrownBy(() -> upstream("mirror", "s3cret-pw").blobSize(REPO, BLOB_DIGEST))
                .isInstanceOf(UpstreamException.class).hasMessageContaining("unreachable");
        assertThat(upstream("mirror", "s3cret-pw").toString()).doesNotContain("s3cret-pw");
    }

    @Test
    void anUpstreamWhoseAuthorityIsInTheConfiguredBundleIsTrustedOthersAreNot(@TempDir Path dir) throws IOException {
        try (JwksServer https = JwksServer.start("{\"keys\":[]}")) {
            URI base = URI.create("https://127.0.0.1:" + https.url().getPort());
            Path bundle = Files.writeString(dir.resolve("ca.pem"), https.caPem());
            HttpUpstreamRegistry trusting = new HttpUpstreamRegistry(base, Optional.empty(), Optional.empty(),
                    Optional.of(bundle), "proxies[0].cabundle", Clock.systemUTC());
            HttpUpstreamRegistry jvmOnly = new HttpUpstreamRegistry(base, Optional.empty(), Optional.empty(),
                    Optional.empty(), "proxies[0].cabundle", Clock.systemUTC());

            assertThat(trusting.resolve(REPO, Tag.parse("v1"))).as("TLS holds; the server knows no /v2/").isEmpty();
            assertThatThrownBy(() -> jvmOnly.resolve(REPO, Tag.parse("v1"))).isInstanceOf(UpstreamException.class)
                    .hasMessageContaining("unreachable");
        }
        Path empty = Files.writeString(dir.resolve("empty.pem"), "");
        assertThatThrownBy(() -> new HttpUpstreamRegistry(URI.create("https://127.0.0.1"), Optional.empty(),
                Optional.empty(), Optional.of(empty), "proxies[0].cabundle", Clock.systemUTC()))
                .hasMessageContaining("proxies[0].cabundle").hasMessageContaining("holds no PEM certificate");
    }

    @Test
    void presentsTheConfiguredClientCertificateToAnUpstreamThatRequiresOne(@TempDir Path dir) throws Exception {
        BouncyCastleCertificateIssuer issuer = new BouncyCastleCertificateIssuer();
        Instant now = Instant.now();
        KeyPair caKeys = issuer.newKeyPair(CertificateIssuer.KeyType.EC_P256);
        X509Certificate ca = issuer.certificateAuthority(caKeys, "test mutual TLS authority", now.minusSeconds(3600),
                now.plusSeconds(86_400));
        CertificateIssuer.KeyedChain signer = new CertificateIssuer.KeyedChain(caKeys.getPrivate(), List.of(ca));
        KeyPair serverKeys = issuer.newKeyPair(CertificateIssuer.KeyType.EC_P256);
        X509Certificate server = issuer.serverCertificate(serverKeys, "127.0.0.1", List.of(Hostname.parse("127.0.0.1")),
                now.minusSeconds(3600), now.plusSeconds(86_400), signer);
        KeyPair clientKeys = issuer.newKeyPair(CertificateIssuer.KeyType.RSA_3072);
        X509Certificate client = issuer.serverCertificate(clientKeys, "berth-mirror", List.of(Hostname.parse("mirror.test")),
                now.minusSeconds(3600), now.plusSeconds(86_400), signer);
        BouncyCastlePemCodec pem = new BouncyCastlePemCodec();
        Path caPem = Files.writeString(dir.resolve("ca.pem"), pem.encode(List.of(ca)));
        Path certificate = Files.writeString(dir.resolve("client.pem"), pem.encode(List.of(client, ca)));
        Path key = Files.writeString(dir.resolve("client.key"), privateKeyPem(clientKeys.getPrivate()));
        Path otherKey = Files.writeString(dir.resolve("other.key"),
                privateKeyPem(issuer.newKeyPair(CertificateIssuer.KeyType.EC_P256).getPrivate()));

        List<String> presented = new CopyOnWriteArrayList<>();
        HttpsServer https = mutualTlsServer(serverKeys, server, ca, presented);
        try {
            URI base = URI.create("https://127.0.0.1:" + https.getAddress().getPort());
            HttpUpstreamRegistry withCertificate = new HttpUpstreamRegistry(base, Optional.empty(), Optional.empty(),
                    Optional.of(caPem), Optional.of(new HttpUpstreamRegistry.ClientCertificate(certificate, key)),
                    "proxies[0]", Clock.systemUTC());
            HttpUpstreamRegistry without = new HttpUpstreamRegistry(base, Optional.empty(), Optional.empty(),
                    Optional.of(caPem), "proxies[0]", Clock.systemUTC());

            assertThat(withCertificate.resolve(REPO, Tag.parse("v1"))).contains(MANIFEST_DIGEST);
            assertThat(presented).containsOnly("CN=berth-mirror");
            assertThatThrownBy(() -> without.resolve(REPO, Tag.parse("v1"))).as("the handshake fails")
                    .isInstanceOf(UpstreamException.class).hasMessageContaining("unreachable");
        } finally {
            https.stop(0);
        }
        assertThatThrownBy(() -> new HttpUpstreamRegistry(URI.create("https://127.0.0.1"), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.of(new HttpUpstreamRegistry.ClientCertificate(certificate,
                otherKey)), "proxies[0]", Clock.systemUTC()))
                .hasMessageContaining("proxies[0]").hasMessageContaining("does not belong to the certificate");
        assertThatThrownBy(() -> new HttpUpstreamRegistry(URI.create("https://127.0.0.1"), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.of(new HttpUpstreamRegistry.ClientCertificate(caPem,
                caPem)), "proxies[0]", Clock.systemUTC()))
                .hasMessageContaining("proxies[0]").hasMessageNotContaining("BEGIN");
    }

    private static String privateKeyPem(PrivateKey key) {
        return "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(key.getEncoded()) + "\n-----END PRIVATE KEY-----\n";
    }

    /** An HTTPS registry on loopback that completes no handshake without a client certificate the authority signed. */
    private static HttpsServer mutualTlsServer(KeyPair keys, X509Certificate certificate, X509Certificate authority,
                                               List<String> presented) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("server", keys.getPrivate(), "test".toCharArray(), new X509Certificate[]{certificate, authority});
        KeyManagerFactory managers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        managers.init(store, "test".toCharArray());
        X509TrustManager clients = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                try {
                    chain[0].verify(authority.getPublicKey());
                } catch (GeneralSecurityException e) {
                    throw new CertificateException("not signed by the test authority", e);
                }
                presented.add(chain[0].getSubjectX500Principal().getName());
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                throw new CertificateException("a server only");
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[]{authority};
            }
        };
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(managers.getKeyManagers(), new TrustManager[]{clients}, null);
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls) {
            @Override
            public void configure(HttpsParameters parameters) {
                SSLParameters required = tls.getDefaultSSLParameters();
                required.setNeedClientAuth(true);
                parameters.setSSLParameters(required);
            }
        });
        server.createContext("/v2/", exchange -> {
            exchange.getResponseHeaders().add("Docker-Content-Digest", MANIFEST_DIGEST.toString());
            send(exchange, 200, "{}".getBytes(StandardCharsets.UTF_8));
        });
        server.start();
        return server;
    }

    @Test
    void basicChallengeWithoutCredentialsSaysSo() {
        registry.createContext("/v2/", exchange -> {
            exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"upstream\"");
            send(exchange, 401, new byte[0]);
        });

        assertThatThrownBy(() -> upstream(null, null).resolve(REPO, Tag.parse("v1")))
                .isInstanceOf(UpstreamException.class).hasMessageContaining("none are configured");
    }
}
