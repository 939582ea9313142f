package dev.berth.deploy.system;

import dev.berth.adapters.http.security.BcryptPasswordHasher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Berth as a pull-through cache of Debian's docker-registry (Distribution 2.8.2 with basic auth), all on
 * loopback: {@code hub/} mirrors the upstream. Pulls through Berth with skopeo and docker are byte for
 * byte the upstream's; pushes into the mirror are refused; with the upstream stopped, cached tags
 * (stale, and said so) and digests are still served; a moved tag is followed after the TTL; ten
 * parallel GETs of an uncached blob fetch it from the upstream once (its access log counts); a
 * corrupt upstream blob is never stored; beyond its {@code maxsize} an upstream loses its least
 * recently pulled image; the tag list is the upstream's (the cached tags while it is down).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PullThroughCacheIT {

    private static final Duration TIMEOUT = Duration.ofMinutes(3);
    private static final String USER = "mirror";
    private static final String PASSWORD = "upstream-secret-1";
    private static final long BIG_BLOB = 64L * 1024 * 1024;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static Path work;
    private static int upstreamPort;
    private static Process upstream;
    private static RegistryClient upstreamClient;
    private static BerthProcess berth;
    private static RegistryClient registry;
    private static String host;
    private static OciImageLayout source;
    private static OciImageLayout.Blob image;

    @BeforeAll
    static void start() throws Exception {
        work = Files.createDirectories(Path.of("target", "pull-through-cache").toAbsolutePath());
        WorkDirectories.deleteQuietly(work);
        Files.createDirectories(work);
        upstreamPort = BerthProcess.freePort();
        Files.writeString(work.resolve("htpasswd"), USER + ":" + new BcryptPasswordHasher(5).hash(PASSWORD) + "\n");
        DistributionRegistry.writeConfig(work.resolve("upstream.yml"), work.resolve("upstream-storage"), upstreamPort, """
                auth:
                  htpasswd:
                    realm: upstream
                    path: %s
                """.formatted(work.resolve("htpasswd")));
        startUpstream();
        upstreamClient = RegistryClient.at("http://127.0.0.1:" + upstreamPort).as(USER, PASSWORD);

        Path config = Files.writeString(work.resolve("berth.yml"), """
                proxies:
                  - prefix: hub
                    remoteurl: http://127.0.0.1:%d
                    username: %s
                    password: %s
                    ttl: 2s
                  - prefix: small
                    remoteurl: http://127.0.0.1:%d
                    username: %s
                    password: %s
                    maxsize: 2MB
                """.formatted(upstreamPort, USER, PASSWORD, upstreamPort, USER, PASSWORD));
        berth = BerthProcess.start(work.resolve("berth"), BerthProcess.freePort(), Map.of(), "--config", config.toString());
        berth.awaitReady(BerthProcess.READY_TIMEOUT);
        registry = new RegistryClient(berth);
        host = "127.0.0.1:" + berth.port();

        source = OciImageLayout.create(work.resolve("source"));
        image = source.image("amd64", 41, 1_500_000, 200_000);
        source.tag(image, "v1");
        copyToUpstream(source, "v1", "library/app:v1");
    }

    @AfterAll
    static void stop() throws Exception {
        stopUpstream();
        if (berth != null) {
            assertThat(berth.output()).as("the upstream's password is never logged").doesNotContain(PASSWORD);
            berth.close();
        }
    }

    @Test
    @Order(1)
    void skopeoAndDockerPullThroughBerthByteForByte() throws Exception {
        String remote = "docker://" + host + "/hub/library/app:v1";
        String raw = Commands.ok(work, TIMEOUT, "skopeo", "inspect", "--raw", "--tls-verify=false", remote);
        assertThat(raw).isEqualTo(new String(source.read(image.digest())));

        OciImageLayout pulled = OciImageLayout.create(work.resolve("pulled"));
        Commands.ok(work, TIMEOUT, "skopeo", "copy", "--src-tls-verify=false", remote, "oci:" + pulled.root() + ":v1");
        for (String digest : source.digests()) {
            assertThat(pulled.read(digest)).as(digest).isEqualTo(source.read(digest));
        }

        try (DockerDaemon docker = DockerDaemon.start()) {
            docker.ok("pull", host + "/hub/library/app:v1");
            assertThat(docker.ok("image", "inspect", "--format", "{{json .RepoDigests}}", host + "/hub/library/app:v1"))
                    .contains(image.digest());
        }

        HttpResponse<byte[]> again = registry.get("/v2/hub/library/app/manifests/v1", "Accept", OciImageLayout.OCI_MANIFEST);
        assertThat(RegistryClient.header(again, "Berth-Proxy")).isEqualTo("hit");
    }

    @Test
    @Order(2)
    void pushesIntoTheMirrorAreRefusedElsewhereTheyWork() {
        HttpResponse<byte[]> upload = registry.send("POST", "/v2/hub/library/app/blobs/uploads/", null);
        assertThat(upload.statusCode()).isEqualTo(405);
        assertThat(RegistryClient.text(upload)).contains("UNSUPPORTED").contains("pull-through cache");
        HttpResponse<byte[]> manifest = registry.send("PUT", "/v2/hub/library/app/manifests/v2", "{}".getBytes(),
                "Content-Type", OciImageLayout.OCI_MANIFEST);
        assertThat(manifest.statusCode()).isEqualTo(405);
        assertThat(RegistryClient.header(manifest, "Allow")).as("reads remain").isEqualTo("GET, HEAD");
        assertThat(registry.send("POST", "/v2/local/app/blobs/uploads/", null).statusCode()).isEqualTo(202);
    }

    @Test
    @Order(3)
    void cachedTagsAndDigestsAreServedWhileTheUpstreamIsDown() throws Exception {
        stopUpstream();
        Thread.sleep(2_100);

        HttpResponse<byte[]> byTag = registry.get("/v2/hub/library/app/manifests/v1", "Accept", OciImageLayout.OCI_MANIFEST);
        assertThat(byTag.statusCode()).isEqualTo(200);
        assertThat(RegistryClient.header(byTag, "Berth-Proxy")).isEqualTo("stale");
        assertThat(byTag.body()).isEqualTo(source.read(image.digest()));
        HttpResponse<byte[]> byDigest = registry.get("/v2/hub/library/app/manifests/" + image.digest(),
                "Accept", OciImageLayout.OCI_MANIFEST);
        assertThat(RegistryClient.header(byDigest, "Berth-Proxy")).isEqualTo("hit");

        OciImageLayout pulled = OciImageLayout.create(work.resolve("pulled-offline"));
        Commands.ok(work, TIMEOUT, "skopeo", "copy", "--src-tls-verify=false", "docker://" + host + "/hub/library/app:v1",
                "oci:" + pulled.root() + ":v1");
        assertThat(pulled.digests()).containsExactlyElementsOf(source.digests());
        assertThat(berth.output()).contains("WARNING").contains("serving hub/library/app:v1 stale");
        assertThat(registry.get("/v2/hub/library/other/manifests/v1").statusCode()).as("nothing cached: unavailable")
                .isEqualTo(503);

        HttpResponse<byte[]> tags = registry.get("/v2/hub/library/app/tags/list");
        assertThat(tags.statusCode()).isEqualTo(200);
        assertThat(RegistryClient.header(tags, "Berth-Proxy")).as("the cached tags").isEqualTo("stale");
        assertThat(RegistryClient.text(tags)).contains("\"tags\":[\"v1\"]");
        assertThat(registry.get("/v2/hub/library/other/tags/list").statusCode()).isEqualTo(503);
    }

    @Test
    @Order(4)
    void aMovedTagIsFollowedAfterTheTtl() throws Exception {
        startUpstream();
        OciImageLayout next = OciImageLayout.create(work.resolve("next"));
        OciImageLayout.Blob moved = next.image("amd64", 42, 300_000);
        next.tag(moved, "next");
        copyToUpstream(next, "next", "library/app:next");

        String listed = Commands.ok(work, TIMEOUT, "skopeo", "list-tags", "--tls-verify=false",
                "docker://" + host + "/hub/library/app");
        assertThat(listed).as("the upstream's tags, not only the cached v1").contains("\"next\"").contains("\"v1\"");
        assertThat(digestOf("v1")).as("checked upstream: unchanged").isEqualTo(image.digest());
        upstreamClient.putManifest("library/app", "v1", OciImageLayout.OCI_MANIFEST, next.read(moved.digest()));
        assertThat(digestOf("v1")).as("within the TTL the cache answers").isEqualTo(image.digest());
        Thread.sleep(2_100);
        assertThat(digestOf("v1")).as("after the TTL the tag follows the upstream").isEqualTo(moved.digest());
    }

    @Test
    @Order(5)
    void tenParallelGetsOfAnUncachedBlobFetchItFromTheUpstreamOnce() throws Exception {
        HttpResponse<byte[]> started = upstreamClient.send("POST", "/v2/library/big/blobs/uploads/", null);
        assertThat(started.statusCode()).isEqualTo(202);
        String location = RegistryClient.header(started, "Location");
        String digest = GeneratedContent.sha256(7, BIG_BLOB);
        HttpResponse<byte[]> pushed = upstreamClient.sendStreamed("PUT", location + (location.contains("?") ? "&" : "?")
                + "digest=" + digest, () -> new GeneratedContent(7, BIG_BLOB), "Content-Type", "application/octet-stream");
        assertThat(pushed.statusCode()).isEqualTo(201);

        HttpResponse<byte[]> head = registry.head("/v2/hub/library/big/blobs/" + digest);
        assertThat(head.headers().firstValueAsLong("Content-Length")).as("HEAD asks the upstream, fetches nothing")
                .hasValue(BIG_BLOB);
        ExecutorService pool = Executors.newFixedThreadPool(10);
        try {
            List<Future<String>> downloads = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                downloads.add(pool.submit(() -> downloadDigest("/v2/hub/library/big/blobs/" + digest)));
            }
            for (Future<String> download : downloads) {
                assertThat(download.get(2, TimeUnit.MINUTES)).isEqualTo(digest);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(upstreamBlobGets(digest)).as("GETs of the blob in the upstream's access log").isEqualTo(1);
        assertThat(berth.get("/metrics").body()).contains("berth_proxy_fetched_bytes");
    }

    @Test
    @Order(6)
    void aCorruptUpstreamBlobIsNeverStoredAndARepairedOneIs() throws Exception {
        byte[] content = OciImageLayout.randomBytes(3_000_000, 9);
        String digest = upstreamClient.uploadBlob("library/corrupt", content);
        Path data = work.resolve("upstream-storage/docker/registry/v2/blobs/sha256")
                .resolve(digest.substring(7, 9)).resolve(digest.substring(7)).resolve("data");
        try (RandomAccessFile file = new RandomAccessFile(data.toFile(), "rw")) {
            file.seek(2_000_000);
            file.write(content[2_000_000] ^ 0xff);
        }

        String path = "/v2/hub/library/corrupt/blobs/" + digest;
        String served;
        try {
            served = CompletableFuture.supplyAsync(() -> {
                try {
                    return downloadDigest(path);
                } catch (Exception e) {
                    return "failed: " + e;
                }
            }).get(1, TimeUnit.MINUTES);
        } catch (TimeoutException e) {
            served = "no end";
        }
        assertThat(served).as("the client never gets the wrong bytes as the blob, and the answer ends")
                .isNotEqualTo(digest).isNotEqualTo("no end");
        assertThat(storedFiles(digest)).as("nothing stored under the digest").isEmpty();
        assertThat(registry.head(path).statusCode()).as("still only upstream's").isEqualTo(200);

        Files.write(data, content);
        assertThat(downloadDigest(path)).isEqualTo(digest);
        assertThat(storedFiles(digest)).isNotEmpty();
    }

    @Test
    @Order(7)
    void beyondItsSizeLimitAnUpstreamLosesItsLeastRecentlyPulledImage() throws Exception {
        OciImageLayout images = OciImageLayout.create(work.resolve("evict"));
        OciImageLayout.Blob first = images.image("amd64", 51, 1_200_000);
        OciImageLayout.Blob second = images.image("amd64", 52, 1_200_000);
        images.tag(first, "first");
        copyToUpstream(images, "first", "library/evict:first");
        images.tag(second, "second"); // a layout holds one tag at a time
        copyToUpstream(images, "second", "library/evict:second");

        String path = "/v2/small/library/evict/manifests/";
        assertThat(RegistryClient.header(registry.get(path + "first", "Accept", OciImageLayout.OCI_MANIFEST),
                "Berth-Proxy")).isEqualTo("miss");
        Thread.sleep(1_100);
        assertThat(RegistryClient.header(registry.get(path + "second", "Accept", OciImageLayout.OCI_MANIFEST),
                "Berth-Proxy")).isEqualTo("miss");

        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (!berth.output().contains("Pull-through cache: evicted 1 least recently pulled images of")
                && System.nanoTime() < deadline) {
            Thread.sleep(500);
        }
        assertThat(berth.output()).contains("Pull-through cache: evicted 1 least recently pulled images of");
        assertThat(RegistryClient.header(registry.get(path + second.digest(), "Accept", OciImageLayout.OCI_MANIFEST),
                "Berth-Proxy")).as("the more recent one stays").isEqualTo("hit");
        HttpResponse<byte[]> again = registry.get(path + first.digest(), "Accept", OciImageLayout.OCI_MANIFEST);
        assertThat(RegistryClient.header(again, "Berth-Proxy")).as("evicted, fetched again").isEqualTo("miss");
        assertThat(again.body()).isEqualTo(images.read(first.digest()));
        // database gauges are read again after a pause
        String small = "berth_namespace_stored_bytes{namespace=\"small\"}";
        deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!berth.get("/metrics").body().contains(small) && System.nanoTime() < deadline) {
            Thread.sleep(1_000);
        }
        assertThat(berth.get("/metrics").body()).as("cached content in the usage metrics")
                .contains("berth_namespace_stored_bytes{namespace=\"hub\"}").contains(small);
    }

    private static String digestOf(String tag) {
        HttpResponse<byte[]> response = registry.head("/v2/hub/library/app/manifests/" + tag,
                "Accept", OciImageLayout.OCI_MANIFEST);
        assertThat(response.statusCode()).isEqualTo(200);
        return RegistryClient.header(response, "Docker-Content-Digest");
    }

    /** GETs a blob from Berth, hashing it as it streams; fails unless 200 with every byte. */
    private static String downloadDigest(String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + host + path)).GET().build();
        HttpResponse<InputStream> response = HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream());
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                return "status " + response.statusCode() + ": " + new String(body.readAllBytes());
            }
            byte[] buffer = new byte[1 << 16];
            int n;
            while ((n = body.read(buffer)) > 0) {
                sha256.update(buffer, 0, n);
            }
        }
        return "sha256:" + HexFormat.of().formatHex(sha256.digest());
    }

    private static long upstreamBlobGets(String digest) throws IOException {
        try (Stream<String> lines = Files.lines(work.resolve("upstream.log"))) {
            return lines.filter(line -> line.contains("\"GET /v2/library/big/blobs/" + digest + " HTTP/1.1\" 200")).count();
        }
    }

    private static List<Path> storedFiles(String digest) throws IOException {
        try (Stream<Path> files = Files.walk(berth.dataDirectory().resolve("registry"))) {
            return files.filter(Files::isRegularFile).filter(f -> f.toString().contains(digest.substring(7))).toList();
        }
    }

    private static void copyToUpstream(OciImageLayout layout, String tag, String reference) throws Exception {
        Commands.ok(work, TIMEOUT, "skopeo", "copy", "--dest-tls-verify=false", "--preserve-digests",
                "--dest-creds", USER + ":" + PASSWORD, "oci:" + layout.root() + ":" + tag,
                "docker://127.0.0.1:" + upstreamPort + "/" + reference);
    }

    /** docker-registry on the same port and storage each time; its access log appended to upstream.log. */
    private static void startUpstream() throws Exception {
        upstream = DistributionRegistry.start(work.resolve("upstream.yml"), work.resolve("upstream.log"), upstreamPort);
    }

    private static void stopUpstream() throws InterruptedException {
        if (upstream != null && upstream.isAlive()) {
            DistributionRegistry.stop(upstream);
        }
    }
}
