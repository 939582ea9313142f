package dev.berth.deploy.system;

import dev.berth.adapters.storage.testserver.FaultProxy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Storage failing under a running Berth. Object stores fail through a {@link FaultProxy} between
 * them (the Berth of an object-store system test reaches its store only through the proxy, which
 * passes everything through unless a test says otherwise). Each scenario leaves the store working
 * and the storage ready again, so the other tests of the class share the same Berth (no extra boot).
 */
final class StorageFaults {

    /** A store call gives up after its retries within seconds; an answer later than this is a hang. */
    private static final Duration ANSWER_BOUND = Duration.ofSeconds(60);
    /** The storage probe runs every 10 s; it is stale (red) after 30 s whatever happens. */
    private static final Duration READINESS_BOUND = Duration.ofSeconds(90);
    private static final String LAYER_TYPE = "application/vnd.oci.image.layer.v1.tar+gzip";
    private static final String CONFIG_TYPE = "application/vnd.oci.image.config.v1+json";

    private StorageFaults() {
    }

    /**
     * The store answers 503 to everything: a docker-style push gets the registry's {@code 503
     * UNAVAILABLE} at its first blob write and publishes nothing, a pull of a blob stored before gets
     * 503 too, and readiness reports the storage down. Once the store answers again the same push
     * succeeds and pulls back byte for byte, from the same Berth process.
     */
    static void outageAnswersUnavailableAndTheSameBerthRecovers(BerthProcess berth, FaultProxy proxy,
                                                                String repository) throws Exception {
        RegistryClient registry = new RegistryClient(berth);
        byte[] earlier = OciImageLayout.randomBytes(200_000, 41);
        String earlierDigest = registry.pushBlob(repository, earlier);
        Image image = Image.of(42);
        long pid = berth.pid();

        proxy.failAll(503);
        try {
            HttpResponse<byte[]> start = registry.send("POST", "/v2/" + repository + "/blobs/uploads/", null);
            assertThat(start.statusCode()).as("starting an upload needs only the database").isEqualTo(202);
            String upload = RegistryClient.header(start, "Location");
            assertUnavailable(() -> registry.send("PATCH", upload, image.layer(), "Content-Type",
                    "application/octet-stream"));
            assertUnavailable(() -> registry.send("PUT", withDigest(upload, image.layerDigest()), null));
            assertUnavailable(() -> registry.send("POST", "/v2/" + repository + "/blobs/uploads/?digest="
                    + image.configDigest(), image.config(), "Content-Type", "application/octet-stream"));
            HttpResponse<byte[]> manifest = putManifest(registry, repository, image);
            assertThat(manifest.statusCode()).as("a manifest over blobs that never arrived").isEqualTo(400);
            assertThat(RegistryClient.text(manifest)).contains("\"code\":\"MANIFEST_BLOB_UNKNOWN\"");
            assertThat(registry.head("/v2/" + repository + "/blobs/" + image.layerDigest()).statusCode()).isEqualTo(404);
            assertThat(registry.get("/v2/" + repository + "/manifests/faults").statusCode()).isEqualTo(404);

            assertUnavailable(() -> registry.get("/v2/" + repository + "/blobs/" + earlierDigest));

            HttpResponse<String> ready = awaitStorage(berth, "DOWN");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("the storage does not accept writes");
        } finally {
            proxy.passThrough();
        }

        awaitStorage(berth, "UP");
        HttpResponse<byte[]> start = registry.send("POST", "/v2/" + repository + "/blobs/uploads/", null);
        String upload = RegistryClient.header(start, "Location");
        HttpResponse<byte[]> patch = registry.send("PATCH", upload, image.layer(), "Content-Type",
                "application/octet-stream");
        assertThat(patch.statusCode()).as(RegistryClient.text(patch)).isEqualTo(202);
        HttpResponse<byte[]> put = registry.send("PUT", withDigest(RegistryClient.header(patch, "Location"),
                image.layerDigest()), null);
        assertThat(put.statusCode()).as(RegistryClient.text(put)).isEqualTo(201);
        registry.pushBlob(repository, image.config());
        HttpResponse<byte[]> manifest = putManifest(registry, repository, image);
        assertThat(manifest.statusCode()).as(RegistryClient.text(manifest)).isEqualTo(201);

        assertThat(registry.get("/v2/" + repository + "/manifests/faults", "Accept", OciImageLayout.OCI_MANIFEST).body())
                .isEqualTo(image.manifest());
        assertThat(pullBlob(registry, repository, image.layerDigest())).isEqualTo(image.layer());
        assertThat(pullBlob(registry, repository, earlierDigest)).isEqualTo(earlier);
        assertThat(berth.pid()).as("no restart").isEqualTo(pid);
        assertThat(berth.alive()).isTrue();
    }

    /**
     * A few 503s and 500s on the way to the store are retried by the driver's SDK: the client never
     * sees them, the push succeeds and pulls back byte for byte.
     */
    static void transientErrorsAreRetriedAndThePushSucceeds(BerthProcess berth, FaultProxy proxy, String repository)
            throws Exception {
        RegistryClient registry = new RegistryClient(berth);
        byte[] layer = OciImageLayout.randomBytes(300_000, 43);
        String digest = RegistryClient.sha256(layer);
        HttpResponse<byte[]> start = registry.send("POST", "/v2/" + repository + "/blobs/uploads/", null);
        String upload = RegistryClient.header(start, "Location");
        // the store's keys of this upload carry its id; the storage probe's requests pass meanwhile
        String id = upload.replaceFirst("\\?.*", "").replaceFirst(".*/", "");
        long mark = System.nanoTime();

        proxy.failNext(3, 503, request -> request.target().contains(id));
        HttpResponse<byte[]> patch = registry.send("PATCH", upload, layer, "Content-Type", "application/octet-stream");
        proxy.failNext(2, 500, request -> request.target().contains(id));
        HttpResponse<byte[]> put = registry.send("PUT", withDigest(RegistryClient.header(patch, "Location"), digest),
                null);
        proxy.passThrough();

        assertThat(patch.statusCode()).as(RegistryClient.text(patch)).isEqualTo(202);
        assertThat(put.statusCode()).as(RegistryClient.text(put)).isEqualTo(201);
        assertThat(proxy.exchangesSince(mark)).filteredOn(FaultProxy.Exchange::injected)
                .extracting(FaultProxy.Exchange::status).containsExactly(503, 503, 503, 500, 500);
        assertThat(pullBlob(registry, repository, digest)).isEqualTo(layer);
    }

    /** The registry's own answer to a store that is down: 503 UNAVAILABLE in its JSON, in bounded time. */
    static void assertUnavailable(Supplier<HttpResponse<byte[]>> request) {
        long started = System.nanoTime();
        HttpResponse<byte[]> response = request.get();
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        String body = RegistryClient.text(response);
        assertThat(response.statusCode()).as(response.request().method() + " " + response.uri() + ": " + body)
                .isEqualTo(503);
        assertThat(body).contains("\"code\":\"UNAVAILABLE\"").doesNotContain("Exception").doesNotContain("at dev.");
        assertThat(RegistryClient.header(response, "Content-Type")).startsWith("application/json");
        assertThat(took).as("answered, not hung").isLessThan(ANSWER_BOUND);
    }

    /** Waits until readiness reports the storage {@code status} (UP or DOWN) and returns that answer. */
    static HttpResponse<String> awaitStorage(BerthProcess berth, String status) throws Exception {
        long deadline = System.nanoTime() + READINESS_BOUND.toNanos();
        while (true) {
            HttpResponse<String> ready = berth.get("/health/ready");
            if (JsonFields.checkStatus(ready.body(), "storage").equals(status) || System.nanoTime() > deadline) {
                assertThat(JsonFields.checkStatus(ready.body(), "storage")).as(ready.body()).isEqualTo(status);
                return ready;
            }
            Thread.sleep(500);
        }
    }

    /** The blob's bytes, from Berth or from the store it redirects to (as a client follows the redirect). */
    static byte[] pullBlob(RegistryClient registry, String repository, String digest) throws Exception {
        HttpResponse<byte[]> get = registry.get("/v2/" + repository + "/blobs/" + digest);
        if (get.statusCode() != 307) {
            assertThat(get.statusCode()).as(RegistryClient.text(get)).isEqualTo(200);
            return get.body();
        }
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<byte[]> redirected = http.send(HttpRequest.newBuilder(URI.create(
                    RegistryClient.header(get, "Location"))).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(redirected.statusCode()).isEqualTo(200);
            return redirected.body();
        }
    }

    private static String withDigest(String location, String digest) {
        return location + (location.contains("?") ? "&" : "?") + "digest=" + digest;
    }

    private static HttpResponse<byte[]> putManifest(RegistryClient registry, String repository, Image image) {
        return registry.send("PUT", "/v2/" + repository + "/manifests/faults", image.manifest(), "Content-Type",
                OciImageLayout.OCI_MANIFEST);
    }

    /** A one-layer image: its layer, config and manifest bytes. */
    private record Image(byte[] layer, byte[] config, byte[] manifest) {

        /**
         * A small layer: Berth answers a failed write before it reads the body, and the JDK's client
         * (HTTP/2 here) sees only the closed connection unless the whole body fit in its first window.
         */
        static Image of(long seed) {
            byte[] layer = OciImageLayout.randomBytes(16 * 1024, seed);
            byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\""
                    + RegistryClient.sha256(layer) + "\"]}}").getBytes(StandardCharsets.UTF_8);
            byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + OciImageLayout.OCI_MANIFEST + "\",\"config\":"
                    + new OciImageLayout.Blob(CONFIG_TYPE, RegistryClient.sha256(config), config.length).json()
                    + ",\"layers\":[" + new OciImageLayout.Blob(LAYER_TYPE, RegistryClient.sha256(layer), layer.length)
                    .json() + "]}").getBytes(StandardCharsets.UTF_8);
            return new Image(layer, config, manifest);
        }

        String layerDigest() {
            return RegistryClient.sha256(layer);
        }

        String configDigest() {
            return RegistryClient.sha256(config);
        }
    }
}
