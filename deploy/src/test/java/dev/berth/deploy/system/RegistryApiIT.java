package dev.berth.deploy.system;

import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.berth.deploy.system.RegistryClient.header;
import static dev.berth.deploy.system.RegistryClient.sha256;
import static dev.berth.deploy.system.RegistryClient.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every endpoint of the registry API against the packaged berth.jar, over real HTTP: the happy
 * paths byte for byte, and each error path with its status, error code and headers.
 */
@ResourceLock(SharedBerth.LOCK)
class RegistryApiIT {

    static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
    static final String LAYER = "application/vnd.oci.image.layer.v1.tar+gzip";

    static RegistryClient registry;

    @BeforeAll
    static void start() throws Exception {
        registry = new RegistryClient(SharedBerth.get());
    }

    static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    static String descriptor(String mediaType, String digest, long size) {
        return "{\"mediaType\":\"" + mediaType + "\",\"digest\":\"" + digest + "\",\"size\":" + size + "}";
    }

    /** Pushes a config and layers, and returns an OCI image manifest referencing them (not pushed). */
    static String imageManifest(String repository, long seed, String extraFields) {
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"seed\":" + seed + "}").getBytes(StandardCharsets.UTF_8);
        byte[] layer1 = randomBytes(3000, seed);
        byte[] layer2 = randomBytes(70_000, seed + 1);
        return "{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\","
                + "\"config\":" + descriptor(OCI_CONFIG, registry.pushBlob(repository, config), config.length) + ","
                + "\"layers\":[" + descriptor(LAYER, registry.pushBlob(repository, layer1), layer1.length) + ","
                + descriptor(LAYER, registry.pushBlob(repository, layer2), layer2.length) + "]"
                + extraFields + "}";
    }

    static HttpResponse<byte[]> putManifest(String repository, String reference, String mediaType, String json) {
        return registry.send("PUT", "/v2/" + repository + "/manifests/" + reference,
                json.getBytes(StandardCharsets.UTF_8), "Content-Type", mediaType);
    }

    static void assertError(HttpResponse<byte[]> response, int status, String code) {
        assertThat(response.statusCode()).as(text(response)).isEqualTo(status);
        assertThat(header(response, "Docker-Distribution-API-Version")).isEqualTo("registry/2.0");
        if (response.request().method().equals("HEAD")) {
            assertThat(response.body()).as("no body on HEAD").isEmpty();
        } else {
            assertThat(text(response)).contains("\"code\":\"" + code + "\"");
        }
    }

    @Nested
    class Blobs {

        @Test
        void monolithicUploadThenHeadGetAndRanges() {
            byte[] content = randomBytes(100_000, 1);
            String digest = sha256(content);
            HttpResponse<byte[]> put = registry.send("POST", "/v2/api/blobs/blobs/uploads/?digest=" + digest, content);
            assertThat(put.statusCode()).isEqualTo(201);
            assertThat(header(put, "Docker-Content-Digest")).isEqualTo(digest);
            assertThat(header(put, "Location")).isEqualTo(registry.base() + "/v2/api/blobs/blobs/" + digest);

            HttpResponse<byte[]> head = registry.head("/v2/api/blobs/blobs/" + digest);
            assertThat(head.statusCode()).isEqualTo(200);
            assertThat(header(head, "Content-Length")).isEqualTo("100000");
            assertThat(header(head, "Docker-Content-Digest")).isEqualTo(digest);
            assertThat(header(head, "Content-Type")).isEqualTo("application/octet-stream");
            assertThat(header(head, "Accept-Ranges")).isEqualTo("bytes");
            assertThat(head.body()).isEmpty();

            HttpResponse<byte[]> get = registry.get("/v2/api/blobs/blobs/" + digest);
            assertThat(get.statusCode()).isEqualTo(200);
            assertThat(get.body()).isEqualTo(content);

            HttpResponse<byte[]> range = registry.get("/v2/api/blobs/blobs/" + digest, "Range", "bytes=10-19");
            assertThat(range.statusCode()).isEqualTo(206);
            assertThat(header(range, "Content-Range")).isEqualTo("bytes 10-19/100000");
            assertThat(range.body()).isEqualTo(Arrays.copyOfRange(content, 10, 20));

            HttpResponse<byte[]> suffix = registry.get("/v2/api/blobs/blobs/" + digest, "Range", "bytes=-5");
            assertThat(suffix.statusCode()).isEqualTo(206);
            assertThat(suffix.body()).isEqualTo(Arrays.copyOfRange(content, 99_995, 100_000));

            HttpResponse<byte[]> tail = registry.get("/v2/api/blobs/blobs/" + digest, "Range", "bytes=99990-");
            assertThat(tail.body()).isEqualTo(Arrays.copyOfRange(content, 99_990, 100_000));

            HttpResponse<byte[]> unsatisfiable = registry.get("/v2/api/blobs/blobs/" + digest, "Range", "bytes=100000-");
            assertThat(unsatisfiable.statusCode()).isEqualTo(416);
            assertThat(header(unsatisfiable, "Content-Range")).isEqualTo("bytes */100000");
        }

        /**
         * On plain HTTP/1.1 (docker's and containerd's way) blob bytes go out with sendfile, in 8 MiB
         * slices: a blob of several slices, whole and in ranges across a slice boundary, byte for byte,
         * with the same headers as the streamed path, on a connection that then serves the next request.
         */
        @Test
        void aBlobOfSeveralSendSlicesComesBackByteForByteWholeAndInRanges() throws Exception {
            byte[] content = randomBytes(20 << 20, 7);
            String digest = registry.pushBlob("api/large", content);
            RegistryClient http11 = RegistryClient.http11(SharedBerth.get());
            String path = "/v2/api/large/blobs/" + digest;

            HttpResponse<byte[]> get = http11.get(path);
            assertThat(get.statusCode()).isEqualTo(200);
            assertThat(header(get, "Content-Length")).isEqualTo(String.valueOf(content.length));
            assertThat(header(get, "Docker-Content-Digest")).isEqualTo(digest);
            assertThat(header(get, "ETag")).isEqualTo("\"" + digest + "\"");
            assertThat(header(get, "Content-Type")).isEqualTo("application/octet-stream");
            assertThat(header(get, "Cache-Control")).isEqualTo("max-age=31536000");
            assertThat(header(get, "Content-Encoding")).isNull();
            assertThat(sha256(get.body())).isEqualTo(digest);

            HttpResponse<byte[]> across = http11.get(path, "Range", "bytes=8388000-16777300");
            assertThat(across.statusCode()).isEqualTo(206);
            assertThat(header(across, "Content-Range")).isEqualTo("bytes 8388000-16777300/" + content.length);
            assertThat(header(across, "Content-Length")).isEqualTo("8389301");
            assertThat(across.body()).isEqualTo(Arrays.copyOfRange(content, 8_388_000, 16_777_301));

            HttpResponse<byte[]> suffix = http11.get(path, "Range", "bytes=-100");
            assertThat(suffix.statusCode()).isEqualTo(206);
            assertThat(suffix.body()).isEqualTo(Arrays.copyOfRange(content, content.length - 100, content.length));

            HttpResponse<byte[]> head = http11.head(path);
            assertThat(head.statusCode()).isEqualTo(200);
            assertThat(header(head, "Content-Length")).isEqualTo(String.valueOf(content.length));
            assertThat(head.body()).isEmpty();
        }

        /** A client killed mid-download: no error in the log, and the next download is whole. */
        @Test
        void aClientThatHangsUpMidDownloadLeavesNoErrorInTheLog() throws Exception {
            byte[] content = randomBytes(20 << 20, 8);
            String digest = registry.pushBlob("api/hangup", content);
            BerthProcess berth = SharedBerth.get();
            int logBefore = berth.output().length();
            String path = "/v2/api/hangup/blobs/" + digest;
            try (Socket socket = new Socket("127.0.0.1", berth.port())) {
                socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                byte[] start = socket.getInputStream().readNBytes(256 * 1024);
                assertThat(new String(start, 0, 12, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200");
                // a reset, as from a killed client, not an orderly close
                socket.setSoLinger(true, 0);
            }

            HttpResponse<byte[]> again = RegistryClient.http11(berth).get(path);
            assertThat(again.statusCode()).isEqualTo(200);
            assertThat(again.body()).isEqualTo(content);
            // the abandoned request ends once the server notices, and is logged as any other
            long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
            while (berth.output().substring(logBefore).split("GET " + path, -1).length < 3 && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            String log = berth.output().substring(logBefore);
            assertThat(log.split("GET " + path, -1)).as(log).hasSize(3);
            // other test classes share this Berth and its log: only this request's traces count
            assertThat(log).doesNotContain("Broken pipe").doesNotContain("Connection reset")
                    .doesNotContainIgnoringCase("sendfile").doesNotContainIgnoringCase("file transfer");
            assertThat(log.lines().filter(line -> line.contains("SEVERE") || line.contains("WARNING"))
                    .filter(line -> line.contains("api/hangup"))).isEmpty();
        }

        @Test
        void aBlobLabelledAsAFormIsStoredNotParsed() {
            // what curl --data-binary sends: the body must not be taken for form parameters
            byte[] content = "digest=sha256:0000&mount=x&a=b".getBytes(StandardCharsets.UTF_8);
            String digest = sha256(content);
            HttpResponse<byte[]> put = registry.send("POST", "/v2/api/form/blobs/uploads/?digest=" + digest, content,
                    "Content-Type", "application/x-www-form-urlencoded");
            assertThat(put.statusCode()).as(text(put)).isEqualTo(201);
            assertThat(registry.get("/v2/api/form/blobs/" + digest).body()).isEqualTo(content);
        }

        @Test
        void unknownAndInvalidBlobs() {
            String missing = sha256("never pushed".getBytes(StandardCharsets.UTF_8));
            registry.pushBlob("api/known", new byte[]{1});
            assertError(registry.get("/v2/api/known/blobs/" + missing), 404, "BLOB_UNKNOWN");
            HttpResponse<byte[]> head = registry.head("/v2/api/known/blobs/" + missing);
            assertThat(head.statusCode()).isEqualTo(404);
            assertThat(head.body()).as("no body on HEAD").isEmpty();
            assertError(registry.get("/v2/api/never-pushed/blobs/" + missing), 404, "NAME_UNKNOWN");
            assertError(registry.get("/v2/api/known/blobs/sha256:abc"), 400, "DIGEST_INVALID");
            assertError(registry.get("/v2/api/known/blobs/md5:d41d8cd98f00b204e9800998ecf8427e"), 400, "DIGEST_INVALID");
        }

        @Test
        void blobsAreVisibleOnlyInRepositoriesTheyAreLinkedTo() {
            byte[] content = randomBytes(5000, 2);
            String digest = registry.pushBlob("api/owner", content);
            registry.pushBlob("api/other", new byte[]{2});
            assertError(registry.head("/v2/api/other/blobs/" + digest), 404, "BLOB_UNKNOWN");
        }

        @Test
        void deleteUnlinksTheBlob() {
            String digest = registry.pushBlob("api/delete-blob", randomBytes(10, 3));
            assertThat(registry.send("DELETE", "/v2/api/delete-blob/blobs/" + digest, null).statusCode()).isEqualTo(202);
            assertError(registry.head("/v2/api/delete-blob/blobs/" + digest), 404, "BLOB_UNKNOWN");
            assertError(registry.send("DELETE", "/v2/api/delete-blob/blobs/" + digest, null), 404, "BLOB_UNKNOWN");
        }
    }

    @Nested
    class Uploads {

        @Test
        void chunkedUploadWithStatusAndOutOfOrderChunk() {
            byte[] content = randomBytes(250_000, 4);
            String digest = sha256(content);
            HttpResponse<byte[]> start = registry.send("POST", "/v2/api/chunked/blobs/uploads/", null);
            assertThat(start.statusCode()).isEqualTo(202);
            assertThat(header(start, "Range")).isEqualTo("0-0");
            String uuid = header(start, "Docker-Upload-UUID");
            String location = header(start, "Location");
            assertThat(location).isEqualTo(registry.base() + "/v2/api/chunked/blobs/uploads/" + uuid);
            HttpResponse<byte[]> proxied = registry.send("POST", "/v2/api/chunked/blobs/uploads/", null,
                    "X-Forwarded-Proto", "https", "X-Forwarded-Host", "registry.example.com");
            assertThat(header(proxied, "Location")).as("X-Forwarded-* from a peer not in http.trustedproxies are ignored"
                    + " (ForwardedHeadersIT has the trusted proxy)")
                    .startsWith(registry.base() + "/v2/api/chunked/blobs/uploads/");

            HttpResponse<byte[]> first = registry.send("PATCH", location, Arrays.copyOfRange(content, 0, 100_000),
                    "Content-Range", "0-99999", "Content-Type", "application/octet-stream");
            assertThat(first.statusCode()).isEqualTo(202);
            assertThat(header(first, "Range")).isEqualTo("0-99999");

            HttpResponse<byte[]> outOfOrder = registry.send("PATCH", location, Arrays.copyOfRange(content, 150_000, 200_000),
                    "Content-Range", "150000-199999");
            assertThat(outOfOrder.statusCode()).isEqualTo(416);
            assertThat(header(outOfOrder, "Range")).isEqualTo("0-99999");
            assertThat(header(outOfOrder, "Location")).isEqualTo(location);

            HttpResponse<byte[]> status = registry.get(location);
            assertThat(status.statusCode()).isEqualTo(204);
            assertThat(header(status, "Range")).isEqualTo("0-99999");
            assertThat(header(status, "Docker-Upload-UUID")).isEqualTo(uuid);

            // second chunk streamed without Content-Range or Content-Length, as docker does
            byte[] second = Arrays.copyOfRange(content, 100_000, 200_000);
            HttpResponse<byte[]> streamed = registry.sendStreamed("PATCH", header(first, "Location"),
                    () -> new ByteArrayInputStream(second));
            assertThat(streamed.statusCode()).isEqualTo(202);
            assertThat(header(streamed, "Range")).isEqualTo("0-199999");

            HttpResponse<byte[]> done = registry.send("PUT", header(streamed, "Location") + "?digest=" + digest,
                    Arrays.copyOfRange(content, 200_000, 250_000));
            assertThat(done.statusCode()).as(text(done)).isEqualTo(201);
            assertThat(header(done, "Docker-Content-Digest")).isEqualTo(digest);
            assertThat(header(done, "Location")).isEqualTo(registry.base() + "/v2/api/chunked/blobs/" + digest);
            assertThat(registry.get("/v2/api/chunked/blobs/" + digest).body()).isEqualTo(content);
            assertError(registry.get(location), 404, "BLOB_UPLOAD_UNKNOWN");
        }

        @Test
        void digestMismatchStoresNothing() {
            byte[] content = randomBytes(1000, 5);
            String claimed = sha256("something else".getBytes(StandardCharsets.UTF_8));
            HttpResponse<byte[]> start = registry.send("POST", "/v2/api/mismatch/blobs/uploads/", null);
            String location = header(start, "Location");
            assertError(registry.send("PUT", location + "?digest=" + claimed, content), 400, "DIGEST_INVALID");
            assertError(registry.head("/v2/api/mismatch/blobs/" + claimed), 404, "BLOB_UNKNOWN");
            assertError(registry.head("/v2/api/mismatch/blobs/" + sha256(content)), 404, "BLOB_UNKNOWN");
            assertError(registry.get(location), 404, "BLOB_UPLOAD_UNKNOWN");
            assertError(registry.send("POST", "/v2/api/mismatch/blobs/uploads/?digest=" + claimed, content), 400, "DIGEST_INVALID");
        }

        @Test
        void cancelAndUnknownUploads() {
            HttpResponse<byte[]> start = registry.send("POST", "/v2/api/cancel/blobs/uploads/", null);
            String location = header(start, "Location");
            registry.send("PATCH", location, new byte[]{1, 2, 3});
            assertThat(registry.send("DELETE", location, null).statusCode()).isEqualTo(204);
            assertError(registry.get(location), 404, "BLOB_UPLOAD_UNKNOWN");
            assertError(registry.send("PATCH", "/v2/api/cancel/blobs/uploads/3f0c2a8e-1b9d-4c47-9a63-2f5e7c1d0b4a",
                    new byte[]{1}), 404, "BLOB_UPLOAD_UNKNOWN");
            assertError(registry.send("PATCH", "/v2/api/cancel/blobs/uploads/not-a-uuid", new byte[]{1}), 404,
                    "BLOB_UPLOAD_UNKNOWN");
            // an upload belongs to its repository
            HttpResponse<byte[]> other = registry.send("POST", "/v2/api/cancel-a/blobs/uploads/", null);
            String uuid = header(other, "Docker-Upload-UUID");
            assertError(registry.get("/v2/api/cancel-b/blobs/uploads/" + uuid), 404, "BLOB_UPLOAD_UNKNOWN");
        }

        @Test
        void finishingWithoutDigestIsRefused() {
            String location = header(registry.send("POST", "/v2/api/nodigest/blobs/uploads/", null), "Location");
            assertError(registry.send("PUT", location, new byte[]{1}), 400, "DIGEST_INVALID");
        }

        @Test
        void crossRepositoryMount() {
            byte[] content = randomBytes(2000, 6);
            String digest = registry.pushBlob("api/mount-source", content);
            HttpResponse<byte[]> mounted = registry.send("POST",
                    "/v2/api/mount-target/blobs/uploads/?mount=" + digest + "&from=api/mount-source", null);
            assertThat(mounted.statusCode()).isEqualTo(201);
            assertThat(header(mounted, "Location")).isEqualTo(registry.base() + "/v2/api/mount-target/blobs/" + digest);
            assertThat(registry.get("/v2/api/mount-target/blobs/" + digest).body()).isEqualTo(content);

            String absent = sha256("not in the source".getBytes(StandardCharsets.UTF_8));
            HttpResponse<byte[]> fallback = registry.send("POST",
                    "/v2/api/mount-target/blobs/uploads/?mount=" + absent + "&from=api/mount-source", null);
            assertThat(fallback.statusCode()).as("falls back to an upload").isEqualTo(202);
            assertThat(header(fallback, "Docker-Upload-UUID")).isNotBlank();

            HttpResponse<byte[]> anywhere = registry.send("POST", "/v2/api/mount-third/blobs/uploads/?mount=" + digest, null);
            assertThat(anywhere.statusCode()).isEqualTo(201);
        }
    }

    @Nested
    class Manifests {

        @Test
        void pushByTagThenPullByTagAndDigestExactBytes() {
            String json = imageManifest("api/image", 10, ",\"annotations\":{\"org.opencontainers.image.title\":\"x\"}");
            byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
            String digest = sha256(bytes);
            HttpResponse<byte[]> put = putManifest("api/image", "v1", OCI_MANIFEST, json);
            assertThat(put.statusCode()).as(text(put)).isEqualTo(201);
            assertThat(header(put, "Docker-Content-Digest")).isEqualTo(digest);
            assertThat(header(put, "Location")).isEqualTo(registry.base() + "/v2/api/image/manifests/" + digest);

            for (String reference : List.of("v1", digest)) {
                HttpResponse<byte[]> get = registry.get("/v2/api/image/manifests/" + reference, "Accept", OCI_MANIFEST);
                assertThat(get.statusCode()).isEqualTo(200);
                assertThat(get.body()).isEqualTo(bytes);
                assertThat(header(get, "Content-Type")).isEqualTo(OCI_MANIFEST);
                assertThat(header(get, "Docker-Content-Digest")).isEqualTo(digest);
                assertThat(header(get, "ETag")).isEqualTo("\"" + digest + "\"");
            }
            // with an Accept that admits it: without any, Berth answers as to Docker 1.6 (schema 1, Schema1IT)
            HttpResponse<byte[]> head = registry.head("/v2/api/image/manifests/v1", "Accept", OCI_MANIFEST);
            assertThat(head.statusCode()).isEqualTo(200);
            assertThat(header(head, "Content-Length")).isEqualTo(String.valueOf(bytes.length));
            assertThat(head.body()).isEmpty();
        }

        @Test
        void pushByDigestMustMatchTheBytes() {
            String json = imageManifest("api/bydigest", 11, "");
            String digest = sha256(json.getBytes(StandardCharsets.UTF_8));
            assertThat(putManifest("api/bydigest", digest, OCI_MANIFEST, json).statusCode()).isEqualTo(201);
            String wrong = sha256("other".getBytes(StandardCharsets.UTF_8));
            assertError(putManifest("api/bydigest", wrong, OCI_MANIFEST, json), 400, "DIGEST_INVALID");
        }

        @Test
        void badManifestsAreRefusedAndLeaveNoTag() {
            String json = imageManifest("api/bad", 12, "");
            assertError(putManifest("api/bad", "confused", DOCKER_MANIFEST, json), 400, "MANIFEST_INVALID");
            assertError(putManifest("api/bad", "broken", OCI_MANIFEST, "{\"schemaVersion\":2,"), 400, "MANIFEST_INVALID");
            assertError(putManifest("api/bad", "notype", "application/json", json), 400, "MANIFEST_INVALID");
            String unknownLayer = json.replaceFirst("sha256:[0-9a-f]{64}(?=\",\"size\":3000)",
                    sha256("absent layer".getBytes(StandardCharsets.UTF_8)));
            assertError(putManifest("api/bad", "missing-layer", OCI_MANIFEST, unknownLayer), 400, "MANIFEST_BLOB_UNKNOWN");
            for (String tag : List.of("confused", "broken", "notype", "missing-layer")) {
                assertError(registry.get("/v2/api/bad/manifests/" + tag), 404, "MANIFEST_UNKNOWN");
            }
            assertError(putManifest("api/bad", "bad!tag", OCI_MANIFEST, json), 400, "TAG_INVALID");
            // reading by a reference that is no tag or digest: 404 as from Distribution, whose routes do not match it
            assertError(registry.get("/v2/api/bad/manifests/-leading-dash"), 404, "MANIFEST_UNKNOWN");
            assertError(registry.get("/v2/api/bad/manifests/sha256:not-hex"), 404, "MANIFEST_UNKNOWN");
            assertThat(registry.send("HEAD", "/v2/api/bad/manifests/-leading-dash", null).statusCode()).isEqualTo(404);
        }

        @Test
        void oversizedManifestIs413BeforeItsBodyIsRead() throws Exception {
            // announce 5 MiB, send a few bytes: Berth must answer without waiting for the rest
            assertThat(RawHttp.refusedBody(SharedBerth.get().port(), "/v2/api/huge/manifests/big", OCI_MANIFEST,
                    5 * 1024 * 1024, "{\"schemaVersion\":2")).startsWith("HTTP/1.1 413")
                    .contains("\"code\":\"MANIFEST_INVALID\"");
            assertError(registry.get("/v2/api/huge/manifests/big"), 404, "NAME_UNKNOWN");
        }

        @Test
        void indexWithPlatformsAndNegotiationForOldClients() {
            String amd64 = imageManifest("api/multi", 20, "");
            String arm64 = imageManifest("api/multi", 21, "");
            String amd64Digest = sha256(amd64.getBytes(StandardCharsets.UTF_8));
            String arm64Digest = sha256(arm64.getBytes(StandardCharsets.UTF_8));
            String index = "{\"schemaVersion\":2,\"mediaType\":\"" + OCI_INDEX + "\",\"manifests\":["
                    + "{\"mediaType\":\"" + OCI_MANIFEST + "\",\"digest\":\"" + amd64Digest + "\",\"size\":" + amd64.length()
                    + ",\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}},"
                    + "{\"mediaType\":\"" + OCI_MANIFEST + "\",\"digest\":\"" + arm64Digest + "\",\"size\":" + arm64.length()
                    + ",\"platform\":{\"architecture\":\"arm64\",\"os\":\"linux\"}}]}";
            assertError(putManifest("api/multi", "latest", OCI_INDEX, index), 400, "MANIFEST_BLOB_UNKNOWN");
            assertThat(putManifest("api/multi", amd64Digest, OCI_MANIFEST, amd64).statusCode()).isEqualTo(201);
            assertThat(putManifest("api/multi", arm64Digest, OCI_MANIFEST, arm64).statusCode()).isEqualTo(201);
            assertThat(putManifest("api/multi", "latest", OCI_INDEX, index).statusCode()).isEqualTo(201);

            HttpResponse<byte[]> modern = registry.get("/v2/api/multi/manifests/latest", "Accept", OCI_INDEX + ", " + OCI_MANIFEST);
            assertThat(header(modern, "Content-Type")).isEqualTo(OCI_INDEX);
            assertThat(text(modern)).isEqualTo(index);

            HttpResponse<byte[]> old = registry.get("/v2/api/multi/manifests/latest", "Accept", OCI_MANIFEST);
            assertThat(header(old, "Docker-Content-Digest")).isEqualTo(amd64Digest);
            assertThat(text(old)).isEqualTo(amd64);
        }

        @Test
        void artifactWithSubjectAndReferrers() {
            String image = imageManifest("api/signed", 30, "");
            String imageDigest = sha256(image.getBytes(StandardCharsets.UTF_8));
            putManifest("api/signed", "v1", OCI_MANIFEST, image);
            byte[] empty = "{}".getBytes(StandardCharsets.UTF_8);
            String emptyDigest = registry.pushBlob("api/signed", empty);
            byte[] signature = randomBytes(300, 31);
            String signatureDigest = registry.pushBlob("api/signed", signature);
            String artifact = "{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\","
                    + "\"artifactType\":\"application/vnd.example.signature.v1\","
                    + "\"config\":" + descriptor("application/vnd.oci.empty.v1+json", emptyDigest, 2) + ","
                    + "\"layers\":[" + descriptor("application/vnd.example.signature.v1", signatureDigest, 300) + "],"
                    + "\"subject\":" + descriptor(OCI_MANIFEST, imageDigest, image.length()) + ","
                    + "\"annotations\":{\"org.example.signer\":\"ci\"}}";
            String artifactDigest = sha256(artifact.getBytes(StandardCharsets.UTF_8));
            HttpResponse<byte[]> put = putManifest("api/signed", artifactDigest, OCI_MANIFEST, artifact);
            assertThat(put.statusCode()).as(text(put)).isEqualTo(201);
            assertThat(header(put, "OCI-Subject")).isEqualTo(imageDigest);

            HttpResponse<byte[]> referrers = registry.get("/v2/api/signed/referrers/" + imageDigest);
            assertThat(referrers.statusCode()).isEqualTo(200);
            assertThat(header(referrers, "Content-Type")).isEqualTo(OCI_INDEX);
            assertThat(text(referrers)).contains("\"digest\":\"" + artifactDigest + "\"")
                    .contains("\"artifactType\":\"application/vnd.example.signature.v1\"")
                    .contains("\"org.example.signer\":\"ci\"");

            HttpResponse<byte[]> filtered = registry.get("/v2/api/signed/referrers/" + imageDigest
                    + "?artifactType=application/vnd.example.sbom");
            assertThat(header(filtered, "OCI-Filters-Applied")).isEqualTo("artifactType");
            assertThat(text(filtered)).contains("\"manifests\":[]");

            HttpResponse<byte[]> none = registry.get("/v2/api/signed/referrers/" + sha256(new byte[]{9}));
            assertThat(none.statusCode()).isEqualTo(200);
            assertThat(text(none)).contains("\"manifests\":[]");
            HttpResponse<byte[]> unknownRepository = registry.get("/v2/api/never-pushed/referrers/" + imageDigest);
            assertThat(unknownRepository.statusCode()).as("the spec forbids 404 here").isEqualTo(200);
        }

        @Test
        void aConfigOutsideTheRepositoryIsUnknownEvenWithUrls() {
            byte[] secret = "{\"os\":\"linux\",\"config\":{\"Env\":[\"TOKEN=s3cret\"]}}"
                    .getBytes(StandardCharsets.UTF_8);
            String otherRepositorysConfig = registry.pushBlob("api/victim", secret);
            String nowhere = sha256("exists nowhere".getBytes(StandardCharsets.UTF_8));
            registry.pushBlob("api/mallory", new byte[]{1});

            List<String> answers = new ArrayList<>();
            for (String config : List.of(otherRepositorysConfig, nowhere)) {
                String json = "{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\",\"config\":"
                        + "{\"mediaType\":\"" + OCI_CONFIG + "\",\"digest\":\"" + config + "\",\"size\":"
                        + secret.length + ",\"urls\":[\"https://mallory.example/config\"]},\"layers\":[]}";
                HttpResponse<byte[]> put = putManifest("api/mallory", "v1", OCI_MANIFEST, json);
                assertError(put, 400, "MANIFEST_BLOB_UNKNOWN");
                answers.add(text(put).replace(config, "<digest>"));
            }
            assertThat(answers.get(0)).as("nothing tells whether the digest exists elsewhere").isEqualTo(answers.get(1));
            assertThat(registry.get("/v2/api/mallory/manifests/v1").statusCode()).isEqualTo(404);
        }

        @Test
        void referrersArePagedByLinkHeadersKeepingTheFilter() {
            String image = imageManifest("api/many-referrers", 35, "");
            String imageDigest = sha256(image.getBytes(StandardCharsets.UTF_8));
            putManifest("api/many-referrers", "v1", OCI_MANIFEST, image);
            String emptyDigest = registry.pushBlob("api/many-referrers", "{}".getBytes(StandardCharsets.UTF_8));
            List<String> all = new ArrayList<>();
            List<String> signatures = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                String type = i % 2 == 0 ? "application/vnd.example.signature.v1" : "application/vnd.example.sbom.v1";
                byte[] content = randomBytes(100, 36 + i);
                String artifact = "{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\",\"artifactType\":\""
                        + type + "\",\"config\":" + descriptor("application/vnd.oci.empty.v1+json", emptyDigest, 2)
                        + ",\"layers\":[" + descriptor(type, registry.pushBlob("api/many-referrers", content), 100)
                        + "],\"subject\":" + descriptor(OCI_MANIFEST, imageDigest, image.length()) + "}";
                String digest = sha256(artifact.getBytes(StandardCharsets.UTF_8));
                assertThat(putManifest("api/many-referrers", digest, OCI_MANIFEST, artifact).statusCode()).isEqualTo(201);
                all.add(digest);
                if (i % 2 == 0) {
                    signatures.add(digest);
                }
            }

            List<String> pages = referrerPages("/v2/api/many-referrers/referrers/" + imageDigest + "?n=2", null);
            assertThat(pages).hasSize(3);
            assertThat(digestsIn(pages)).containsExactlyInAnyOrderElementsOf(all).doesNotHaveDuplicates();

            List<String> filtered = referrerPages("/v2/api/many-referrers/referrers/" + imageDigest
                    + "?n=2&artifactType=application/vnd.example.signature.v1", "artifactType");
            assertThat(filtered).hasSize(2);
            assertThat(digestsIn(filtered)).containsExactlyInAnyOrderElementsOf(signatures).doesNotHaveDuplicates();
        }

        /** Follows the Link headers from {@code first}; every page must say which filter it applied. */
        private List<String> referrerPages(String first, String filtersApplied) {
            List<String> pages = new ArrayList<>();
            String next = first;
            while (next != null) {
                HttpResponse<byte[]> page = registry.get(next);
                assertThat(page.statusCode()).isEqualTo(200);
                assertThat(header(page, "Content-Type")).isEqualTo(OCI_INDEX);
                assertThat(header(page, "OCI-Filters-Applied")).isEqualTo(filtersApplied);
                pages.add(text(page));
                String link = header(page, "Link");
                next = link == null ? null : link.substring(1, link.indexOf('>'));
                assertThat(pages).as("no endless paging").hasSizeLessThan(10);
            }
            return pages;
        }

        private List<String> digestsIn(List<String> pages) {
            List<String> digests = new ArrayList<>();
            for (String page : pages) {
                Matcher m = Pattern.compile("\"digest\":\"(sha256:[0-9a-f]{64})\"").matcher(page);
                while (m.find()) {
                    digests.add(m.group(1));
                }
            }
            return digests;
        }

        @Test
        void deleteByTagKeepsTheManifestDeleteByDigestRemovesIt() {
            String json = imageManifest("api/deletes", 40, "");
            String digest = sha256(json.getBytes(StandardCharsets.UTF_8));
            putManifest("api/deletes", "a", OCI_MANIFEST, json);
            putManifest("api/deletes", "b", OCI_MANIFEST, json);
            assertThat(registry.send("DELETE", "/v2/api/deletes/manifests/a", null).statusCode()).isEqualTo(202);
            assertError(registry.get("/v2/api/deletes/manifests/a"), 404, "MANIFEST_UNKNOWN");
            assertThat(registry.get("/v2/api/deletes/manifests/" + digest).statusCode()).isEqualTo(200);
            assertThat(registry.send("DELETE", "/v2/api/deletes/manifests/" + digest, null).statusCode()).isEqualTo(202);
            assertError(registry.get("/v2/api/deletes/manifests/" + digest), 404, "MANIFEST_UNKNOWN");
            assertError(registry.get("/v2/api/deletes/manifests/b"), 404, "MANIFEST_UNKNOWN");
            assertThat(text(registry.get("/v2/api/deletes/tags/list"))).contains("\"tags\":[]");
        }

        @Test
        void unknownRepositoryIsNameUnknown() {
            assertError(registry.get("/v2/api/nothing-here/manifests/latest"), 404, "NAME_UNKNOWN");
            assertError(registry.get("/v2/api/nothing-here/tags/list"), 404, "NAME_UNKNOWN");
        }
    }

    @Nested
    class ListsAndNames {

        @Test
        void thousandTagsPagedByLinkHeaders() {
            String json = imageManifest("api/many-tags", 50, "");
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                String tag = String.format("t%04d", i);
                expected.add(tag);
                assertThat(putManifest("api/many-tags", tag, OCI_MANIFEST, json).statusCode()).isEqualTo(201);
            }
            List<String> seen = new ArrayList<>();
            String next = "/v2/api/many-tags/tags/list?n=100";
            int pages = 0;
            while (next != null) {
                HttpResponse<byte[]> page = registry.get(next);
                assertThat(page.statusCode()).isEqualTo(200);
                seen.addAll(tagsOf(text(page)));
                String link = header(page, "Link");
                next = link == null ? null : link.substring(1, link.indexOf('>'));
                pages++;
            }
            assertThat(seen).isEqualTo(expected);
            assertThat(pages).isEqualTo(10);

            HttpResponse<byte[]> greedy = registry.get("/v2/api/many-tags/tags/list?n=100000000");
            assertThat(greedy.statusCode()).isEqualTo(200);
            assertThat(tagsOf(text(greedy))).as("clamped to catalog.maxentries").hasSize(SharedBerth.MAX_PAGE);
            assertThat(header(greedy, "Link")).contains("rel=\"next\"");
            assertThat(tagsOf(text(registry.get("/v2/api/many-tags/tags/list?n=3&last=t0500"))))
                    .containsExactly("t0501", "t0502", "t0503");
            assertError(registry.get("/v2/api/many-tags/tags/list?n=-1"), 400, "PAGINATION_NUMBER_INVALID");
            assertError(registry.get("/v2/api/many-tags/tags/list?n=lots"), 400, "PAGINATION_NUMBER_INVALID");
        }

        @Test
        void catalogListsRepositoriesInOrderWithPagination() {
            registry.pushBlob("api/catalog-b", new byte[]{1});
            registry.pushBlob("api/catalog-a", new byte[]{1});
            registry.pushBlob("api/catalog-c", new byte[]{1});
            String body = text(registry.get("/v2/_catalog"));
            assertThat(body.indexOf("\"api/catalog-a\"")).isPositive().isLessThan(body.indexOf("\"api/catalog-b\""));
            HttpResponse<byte[]> page = registry.get("/v2/_catalog?n=1&last=api/catalog-a");
            assertThat(text(page)).isEqualTo("{\"repositories\":[\"api/catalog-b\"]}");
            assertThat(header(page, "Link")).contains("rel=\"next\"");
        }

        @Test
        void invalidNamesAreRefused() {
            assertError(registry.get("/v2/Upper/Case/tags/list"), 400, "NAME_INVALID");
            assertError(registry.get("/v2/" + "a".repeat(300) + "/tags/list"), 400, "NAME_INVALID");
            assertError(registry.get("/v2/a..b/tags/list"), 400, "NAME_INVALID");
            assertError(registry.send("POST", "/v2/-x/blobs/uploads/", null), 400, "NAME_INVALID");
            assertThat(registry.get("/v2/%2E%2E/x/tags/list").statusCode()).isIn(400, 404);
        }

        @Test
        void unsupportedMethodsAndUnknownEndpoints() {
            HttpResponse<byte[]> post = registry.send("POST", "/v2/api/x/tags/list", null);
            assertError(post, 405, "UNSUPPORTED");
            assertThat(post.headers().firstValue("Allow")).contains("GET, HEAD");
            assertThat(registry.get("/v2/api/x/whatever").statusCode()).isEqualTo(404);
        }

        private List<String> tagsOf(String json) {
            Matcher m = Pattern.compile("\"tags\":\\[(.*?)]").matcher(json);
            assertThat(m.find()).isTrue();
            List<String> tags = new ArrayList<>();
            Matcher t = Pattern.compile("\"([^\"]+)\"").matcher(m.group(1));
            while (t.find()) {
                tags.add(t.group(1));
            }
            return tags;
        }
    }
}
