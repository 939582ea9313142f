package dev.berth.adapters.storage.swift;

import com.sun.net.httpserver.HttpServer;
import dev.berth.application.port.BlobStore;
import dev.berth.application.system.BlobStoreStatus;
import dev.berth.application.system.StorageStatus.StorageReport;
import dev.berth.domain.Digest;
import dev.berth.domain.DigestAlgorithm;
import dev.berth.domain.UploadId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** Authentication against a real Swift: what an operator sees when it fails, and Keystone v3. */
@ExtendWith(SwiftServer.class)
class SwiftAccessTest {

    @Test
    void wrongPasswordIsReportedWithoutIt() {
        SwiftOptions options = withUser(SwiftServer.USER, "not-the-password", "berth-access");

        StorageReport report = new BlobStoreStatus(new SwiftBlobStore(options)).report();

        assertThat(report.writable()).isFalse();
        assertThat(report.problem()).contains("refused user test:tester", "check username, password")
                .doesNotContain("not-the-password");
    }

    @Test
    void containerTheUserMayNotUseIsNamed() {
        String container = "berth-missing-" + UUID.randomUUID();
        SwiftOptions options = withUser(SwiftServer.READER, SwiftServer.READER_KEY, container);

        StorageReport report = new BlobStoreStatus(new SwiftBlobStore(options)).report();

        assertThat(report.writable()).isFalse();
        assertThat(report.problem())
                .contains("user test:reader may not use Swift container '" + container + "' (403)");
    }

    @Test
    void missingContainerIsCreatedWhenTheUserMay() throws Exception {
        String container = "berth-new-" + UUID.randomUUID();

        StorageReport report = new BlobStoreStatus(new SwiftBlobStore(
                withUser(SwiftServer.USER, SwiftServer.KEY, container))).report();

        assertThat(report.writable()).isTrue();
        assertThat(SwiftServer.list(container, "")).isEmpty();
    }

    /**
     * Keystone is not packaged for a quick start, so a tiny Keystone v3 token endpoint stands in: it
     * checks the request's user and project scope and answers a real tempauth token with a catalog
     * whose internal endpoint in RegionTwo is the real Swift. Its first token is stale, so the
     * driver must re-authenticate when Swift refuses it.
     */
    @Test
    void keystoneV3ScopesToTheProjectPicksTheEndpointAndRenewsARefusedToken() throws Exception {
        Map<String, String> login = SwiftServer.login();
        List<String> requests = new CopyOnWriteArrayList<>();
        HttpServer keystone = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        keystone.createContext("/v3/auth/tokens", exchange -> {
            requests.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            String catalog = """
                    {"token": {"expires_at": "2099-01-01T00:00:00.000000Z", "catalog": [
                      {"type": "identity", "endpoints": [{"interface": "internal", "region": "RegionTwo", "url": "http://127.0.0.1:9/"}]},
                      {"type": "object-store", "endpoints": [
                        {"interface": "public", "region": "RegionTwo", "url": "http://127.0.0.1:9/v1/AUTH_test"},
                        {"interface": "internal", "region": "RegionOne", "url": "http://127.0.0.1:9/v1/AUTH_test"},
                        {"interface": "internal", "region": "RegionTwo", "url": "%s"}]}]}}
                    """.formatted(login.get("url"));
            exchange.getResponseHeaders().add("X-Subject-Token", requests.size() == 1 ? "AUTH_tk-stale" : login.get("token"));
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            byte[] body = catalog.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(201, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        keystone.start();
        try {
            SwiftOptions options = new SwiftOptions(URI.create("http://127.0.0.1:" + keystone.getAddress().getPort() + "/v3"),
                    3, "berth", "keystone-password", "berth-access", "RegionTwo", "images", "", "Default", "",
                    "", "", "", "internal", false, 1L << 20, "keystone-" + UUID.randomUUID(), "", false);
            BlobStore store = new SwiftBlobStore(options);
            byte[] content = "through keystone".getBytes(StandardCharsets.UTF_8);
            Digest digest = Digest.of(DigestAlgorithm.SHA256, content);
            UploadId upload = UploadId.random();

            store.writeUpload(upload, 0, new ByteArrayInputStream(content));
            store.commitUpload(upload, digest);

            try (InputStream in = store.read(digest, 0, content.length)) {
                assertThat(in.readAllBytes()).isEqualTo(content);
            }
            store.delete(digest);
            assertThat(requests).hasSize(2);
            Map<String, Object> auth = Json.object(Json.object(Json.parse(requests.getFirst()), "request").get("auth"), "auth");
            assertThat(auth.toString()).contains("methods=[password]", "name=berth", "password=keystone-password",
                    "domain={name=Default}", "project={name=images, domain={name=Default}}");
        } finally {
            keystone.stop(0);
        }
    }

    private static SwiftOptions withUser(String user, String key, String container) {
        return new SwiftOptions(SwiftServer.authUrl(), 1, user, key, container, "", "", "", "", "", "", "", "", "",
                false, 1L << 20, "", "", false);
    }
}
