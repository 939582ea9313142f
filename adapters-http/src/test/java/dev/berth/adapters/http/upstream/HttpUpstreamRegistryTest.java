package dev.berth.adapters.http.upstream;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
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

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
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
    void basicChallengeWithoutCredentialsSaysSo() {
        registry.createContext("/v2/", exchange -> {
            exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"upstream\"");
            send(exchange, 401, new byte[0]);
        });

        assertThatThrownBy(() -> upstream(null, null).resolve(REPO, Tag.parse("v1")))
                .isInstanceOf(UpstreamException.class).hasMessageContaining("none are configured");
    }
}
