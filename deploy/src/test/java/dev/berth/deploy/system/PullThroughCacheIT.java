package dev.berth.deploy.system;

import dev.berth.adapters.db.DatabaseSettings;
import dev.berth.adapters.db.MetadataDatabase;
import dev.berth.adapters.db.PostgresAuditLog;
import dev.berth.adapters.db.PostgresGarbageCollectionStore;
import dev.berth.adapters.storage.filesystem.FilesystemBlobStore;
import dev.berth.application.gc.CollectGarbage;
import dev.berth.application.gc.GarbageCollectionSettings;
import dev.berth.application.port.GarbageCollectionStore;
import dev.berth.domain.json.JsonObject;
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
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * recently pulled image; the tag list is the upstream's (the cached tags while it is down). A webhook
 * hears a push per manifest and blob the cache fetched, with the pull (GET or HEAD) that caused it;
 * an index pulled through keeps its platform images through a garbage collection that deletes
 * untagged manifests, and they pull byte for byte after it. On the same Berth (one boot), {@code tokenhub/}
 * mirrors a second docker-registry with {@code auth: token}: Berth fetches its tokens from the upstream's
 * token server with the configured credentials, for pulls only, and skopeo pulls through it byte for byte.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PullThroughCacheIT {

    private static final Duration TIMEOUT = Duration.ofMinutes(3);
    private static final String USER = "mirror";
    private static final String PASSWORD = "upstream-secret-1";
    private static final long BIG_BLOB = 64L * 1024 * 1024;
    private static final String TOKEN_PASSWORD = "token-secret-2";
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
    private static WebhookReceiver webhook;
    private static int databasePort;
    private static UpstreamTokenServer tokens;
    private static int tokenUpstreamPort;
    private static Process tokenUpstream;

    @BeforeAll
    static void start() throws Exception {
        work = Files.createDirectories(Path.of("target", "pull-through-cache").toAbsolutePath());
        WorkDirectories.deleteQuietly(work);
        Files.createDirectories(work);
        upstreamPort = BerthProcess.freePort();
        DistributionRegistry.writeBasicAuthConfig(work, upstreamPort, USER, PASSWORD);
        startUpstream();
        upstreamClient = RegistryClient.at("http://127.0.0.1:" + upstreamPort).as(USER, PASSWORD);
        startTokenUpstream();

        webhook = new WebhookReceiver();
        Path config = Files.writeString(work.resolve("berth.yml"), """
                notifications:
                  endpoints:
                    - name: fetches
                      url: %s
                      backoff: 300ms
                      ignore:
                        actions: [pull]
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
                  - prefix: tokenhub
                    remoteurl: http://127.0.0.1:%d
                    username: %s
                    password: %s
                """.formatted(webhook.url(), upstreamPort, USER, PASSWORD, upstreamPort, USER, PASSWORD,
                tokenUpstreamPort, USER, TOKEN_PASSWORD));
        databasePort = BerthProcess.freePort();
        berth = BerthProcess.start(work.resolve("berth"), BerthProcess.freePort(),
                Map.of("REGISTRY_DATABASE_EMBEDDED_PORT", String.valueOf(databasePort)), "--config", config.toString());
        berth.awaitReady(BerthProcess.READY_TIMEOUT);
        registry = new RegistryClient(berth);
        host = "127.0.0.1:" + berth.port();

        source = OciImageLayout.create(work.resolve("source"));
        image = source.image("amd64", 41, 1_500_000, 200_000);
        source.tag(image, "v1");
        copyToUpstream(source, "v1", "library/app:v1");
    }

    /**
     * docker-registry with {@code auth: token} under work/token-upstream, its token server granting
     * the mirror's credentials only.
     */
    private static void startTokenUpstream() throws Exception {
        Path directory = Files.createDirectories(work.resolve("token-upstream"));
        tokens = UpstreamTokenServer.start(USER, TOKEN_PASSWORD, "upstream-registry", "test-token-server");
        Path bundle = Files.writeString(directory.resolve("token-bundle.pem"), tokens.certificatePem());
        tokenUpstreamPort = BerthProcess.freePort();
        Path config = DistributionRegistry.writeConfig(directory.resolve("upstream.yml"), directory.resolve("upstream-storage"),
                tokenUpstreamPort, """
                        auth:
                          token:
                            realm: %s
                            service: upstream-registry
                            issuer: test-token-server
                            rootcertbundle: %s
                        """.formatted(tokens.realm(), bundle));
        tokenUpstream = DistributionRegistry.start(config, directory.resolve("upstream.log"), tokenUpstreamPort);
    }

    @AfterAll
    static void stop() throws Exception {
        stopUpstream();
        if (tokenUpstream != null && tokenUpstream.isAlive()) {
            DistributionRegistry.stop(tokenUpstream);
        }
        if (tokens != null) {
            tokens.close();
        }
        if (webhook != null) {
            webhook.close();
        }
        if (berth != null) {
            assertThat(berth.output()).as("the upstreams' passwords are never logged").doesNotContain(PASSWORD)
                    .doesNotContain(TOKEN_PASSWORD);
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

    @Test
    @Order(8)
    void aWebhookHearsAPushPerManifestAndBlobTheCacheFetchedWithThePullThatCausedIt() throws Exception {
        for (String digest : source.digests()) {
            webhook.await(e -> isPush(e, "hub/library/app", digest), TIMEOUT);
        }
        for (String digest : source.digests()) {
            List<JsonObject> pushes = webhook.received().stream().filter(e -> isPush(e, "hub/library/app", digest))
                    .toList();
            assertThat(pushes).as("fetched once, told once: " + digest).hasSize(1);
            assertThat(WebhookReceiver.text(pushes.getFirst(), "request", "method")).isEqualTo("GET");
        }

        OciImageLayout headed = OciImageLayout.create(work.resolve("headed"));
        OciImageLayout.Blob headedImage = headed.image("amd64", 71, 100_000);
        headed.tag(headedImage, "v1");
        copyToUpstream(headed, "v1", "library/headed:v1");
        HttpResponse<byte[]> head = registry.head("/v2/hub/library/headed/manifests/v1", "Accept", OciImageLayout.OCI_MANIFEST);
        assertThat(RegistryClient.header(head, "Berth-Proxy")).isEqualTo("miss");
        JsonObject fetched = webhook.await(e -> isPush(e, "hub/library/headed", headedImage.digest()), TIMEOUT);
        assertThat(WebhookReceiver.text(fetched, "request", "method")).isEqualTo("HEAD");
        assertThat(WebhookReceiver.text(fetched, "target", "tag")).isEqualTo("v1");
    }

    @Test
    @Order(9)
    void anIndexPulledThroughKeepsItsPlatformImagesThroughGarbageCollectionOfUntaggedManifests() throws Exception {
        OciImageLayout multi = OciImageLayout.create(work.resolve("multi"));
        OciImageLayout.Blob amd64 = multi.image("amd64", 61, 400_000);
        OciImageLayout.Blob arm64 = multi.image("arm64", 62, 400_000);
        OciImageLayout.Blob index = multi.index(List.of(amd64, arm64), List.of("amd64", "arm64"));
        multi.tag(index, "v1");
        Commands.ok(work, TIMEOUT, "skopeo", "copy", "--all", "--dest-tls-verify=false", "--preserve-digests",
                "--dest-creds", USER + ":" + PASSWORD, "oci:" + multi.root() + ":v1",
                "docker://127.0.0.1:" + upstreamPort + "/library/multi:v1");
        OciImageLayout.Blob solo = multi.image("amd64", 63, 300_000);
        multi.tag(solo, "solo");
        copyToUpstream(multi, "solo", "library/multi:solo");

        String remote = "docker://" + host + "/hub/library/multi:v1";
        Commands.ok(work, TIMEOUT, "skopeo", "copy", "--all", "--src-tls-verify=false", remote,
                "oci:" + work.resolve("pulled-multi") + ":v1");
        String path = "/v2/hub/library/multi/manifests/";
        assertThat(RegistryClient.header(registry.get(path + solo.digest(), "Accept", OciImageLayout.OCI_MANIFEST),
                "Berth-Proxy")).as("pulled by digest: cached untagged").isEqualTo("miss");

        GarbageCollectionStore.Run run = collectGarbageOfUntaggedManifests();
        assertThat(run.manifestsFreed()).as("the untagged manifests went").isPositive();
        for (OciImageLayout.Blob child : List.of(amd64, arm64)) {
            HttpResponse<byte[]> kept = registry.get(path + child.digest(), "Accept", OciImageLayout.OCI_MANIFEST);
            assertThat(RegistryClient.header(kept, "Berth-Proxy")).as("a child of the tagged index stays cached")
                    .isEqualTo("hit");
            assertThat(kept.body()).isEqualTo(multi.read(child.digest()));
        }
        assertThat(RegistryClient.header(registry.get(path + solo.digest(), "Accept", OciImageLayout.OCI_MANIFEST),
                "Berth-Proxy")).as("untagged and no index's: collected, fetched again").isEqualTo("miss");

        OciImageLayout after = OciImageLayout.create(work.resolve("pulled-multi-after-gc"));
        Commands.ok(work, TIMEOUT, "skopeo", "copy", "--all", "--src-tls-verify=false", remote, "oci:" + after.root() + ":v1");
        assertThat(after.digests()).contains(index.digest(), amd64.digest(), arm64.digest());
        for (String digest : after.digests()) {
            assertThat(after.read(digest)).as(digest).isEqualTo(multi.read(digest));
        }
    }

    @Test
    @Order(10)
    void skopeoPullsThroughBerthByteForByteWhatATokenUpstreamHolds() throws Exception {
        OciImageLayout tokenSource = OciImageLayout.create(work.resolve("token-source"));
        OciImageLayout.Blob tokenImage = tokenSource.image("amd64", 61, 900_000, 100_000);
        tokenSource.tag(tokenImage, "v1");
        Commands.ok(work, TIMEOUT, "skopeo", "copy", "--dest-tls-verify=false", "--preserve-digests",
                "--dest-creds", USER + ":" + TOKEN_PASSWORD, "oci:" + tokenSource.root() + ":v1",
                "docker://127.0.0.1:" + tokenUpstreamPort + "/library/app:v1");
        assertThat(RegistryClient.at("http://127.0.0.1:" + tokenUpstreamPort).get("/v2/library/app/tags/list").statusCode())
                .as("the upstream asks for a token").isEqualTo(401);

        OciImageLayout pulled = OciImageLayout.create(work.resolve("token-pulled"));
        Commands.ok(work, TIMEOUT, "skopeo", "copy", "--src-tls-verify=false",
                "docker://" + host + "/tokenhub/library/app:v1", "oci:" + pulled.root() + ":v1");
        assertThat(pulled.digests()).containsExactlyElementsOf(tokenSource.digests());
        for (String digest : tokenSource.digests()) {
            assertThat(pulled.read(digest)).as(digest).isEqualTo(tokenSource.read(digest));
        }
        assertThat(tokens.issued()).as("Berth asked the token server with the mirror's credentials, for pulls only")
                .anySatisfy(token -> assertThat(token).startsWith("Berth pull-through cache")
                        .contains("name=library/app").contains("actions=[pull]"));
        String listed = Commands.ok(work, TIMEOUT, "skopeo", "list-tags", "--tls-verify=false",
                "docker://" + host + "/tokenhub/library/app");
        assertThat(listed).contains("\"v1\"");
    }

    private static boolean isPush(JsonObject event, String repository, String digest) {
        return "push".equals(WebhookReceiver.text(event, "action"))
                && repository.equals(WebhookReceiver.text(event, "target", "repository"))
                && digest.equals(WebhookReceiver.text(event, "target", "digest"));
    }

    /**
     * A run as an administrator's "run now" with {@code gc.deleteuntagged} and no review delay, on
     * Berth's database and storage; waits while Berth's own collector holds the lease.
     */
    private static GarbageCollectionStore.Run collectGarbageOfUntaggedManifests() throws InterruptedException {
        Path data = work.resolve("berth");
        try (MetadataDatabase database = MetadataDatabase.open(new DatabaseSettings("embedded", "test",
                "jdbc:postgresql://127.0.0.1:" + databasePort + "/postgres", "postgres",
                BerthProcess.embeddedDatabasePassword(data), 2, BerthProcess.secrets(data)))) {
            CollectGarbage collector = new CollectGarbage(new PostgresGarbageCollectionStore(database),
                    new FilesystemBlobStore(berth.dataDirectory().resolve("registry")), new PostgresAuditLog(database),
                    new GarbageCollectionSettings(true, Duration.ofMinutes(5), Duration.ZERO, true, Duration.ofHours(1)),
                    () -> false, Clock.systemUTC(), "system-test", done -> { }, nanos -> { });
            for (Optional<GarbageCollectionStore.Run> run = collector.collect("admin", false, true); ;
                 run = collector.collect("admin", false, true)) {
                if (run.isPresent()) {
                    return run.get();
                }
                Thread.sleep(200);
            }
        }
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
