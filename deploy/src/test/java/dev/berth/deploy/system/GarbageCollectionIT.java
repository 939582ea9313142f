package dev.berth.deploy.system;

import dev.berth.adapters.storage.layout.KeyLayout;
import dev.berth.adapters.storage.s3.S3ProxyServer;
import dev.berth.domain.Digest;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Online garbage collection on the packaged jar: several clients push images sharing layers and
 * delete them in parallel loops while the collector runs every second with no review delay. A push
 * the collector races may fail with BLOB_UNKNOWN or MANIFEST_BLOB_UNKNOWN and is retried, as clients
 * do (with no delay, a layer is fair game from its upload until the manifest arrives: on a loaded
 * machine one image may take many attempts, and each attempt races the collector anew); afterwards every remaining tag pulls byte for byte with skopeo, and storage holds exactly the
 * blobs the remaining manifests reference. Then {@code berth.jar gc} on the same data: read-only
 * ({@code storage.maintenance.readonly}) it deletes nothing and exits 2, a dry run names what it would free and deletes nothing, a real run frees a deleted image's blobs and a file
 * written to storage that no row records (a crash between the storage write and the commit).
 * On the filesystem driver and on S3 (S3Proxy).
 */
class GarbageCollectionIT {

    private static final Duration TIMEOUT = Duration.ofMinutes(10);
    private static final int CLIENTS = 4;
    private static final int ROUNDS = 12;
    /** Tries of one image's push that the collector may win before the test gives up. */
    private static final int ATTEMPTS = 100;
    private static final String BLOB_QUEUE_EMPTY = "berth_gc_queue_length{queue=\"blob\"} 0";
    private static final String DELETION_QUEUE_EMPTY = "berth_gc_queue_length{queue=\"deletion\"} 0";
    private static final Pattern FREED = Pattern.compile("berth_gc_blobs_freed_total\\{kind=\"unreferenced\"} (\\d+)");

    @Test
    void onTheFilesystem() throws Exception {
        Path work = Path.of("target", "gc-it-filesystem").toAbsolutePath();
        WorkDirectories.deleteQuietly(work);
        churnCollectAndCheck(work, Map.of(), work.resolve("berth-data/registry"), true);
    }

    @Test
    void onS3() throws Exception {
        Path work = Path.of("target", "gc-it-s3").toAbsolutePath();
        WorkDirectories.deleteQuietly(work);
        try (S3ProxyServer s3 = S3ProxyServer.start(work.resolve("bucket"), null)) {
            s3.createBucket("berth-gc");
            Map<String, String> env = new HashMap<>();
            env.put("REGISTRY_STORAGE", "s3");
            env.put("REGISTRY_STORAGE_S3_BUCKET", "berth-gc");
            env.put("REGISTRY_STORAGE_S3_REGION", "us-east-1");
            env.put("REGISTRY_STORAGE_S3_REGIONENDPOINT", s3.endpoint().toString());
            env.put("REGISTRY_STORAGE_S3_FORCEPATHSTYLE", "true");
            env.put("REGISTRY_STORAGE_S3_ACCESSKEY", S3ProxyServer.ACCESS_KEY);
            env.put("REGISTRY_STORAGE_S3_SECRETKEY", S3ProxyServer.SECRET_KEY);
            env.put("REGISTRY_STORAGE_S3_ROOTDIRECTORY", "registry");
            // S3Proxy's filesystem backend keeps each object as a file named by its key
            churnCollectAndCheck(work.resolve("berth"), env, work.resolve("bucket/berth-gc/registry"), false);
        }
    }

    /**
     * @param everyCommandCase also the command's read-only refusal and dry run, which do not depend on
     *                         the driver: on one driver only, as each is a boot of its own
     */
    private void churnCollectAndCheck(Path work, Map<String, String> storage, Path contentRoot,
                                      boolean everyCommandCase) throws Exception {
        Map<String, String> env = new HashMap<>(storage);
        env.put("REGISTRY_STORAGE_DELETE_ENABLED", "true");
        env.put("REGISTRY_GC_REVIEWAFTER", "0s");
        env.put("REGISTRY_GC_INTERVAL", "1s");
        Map<String, byte[]> content = new ConcurrentHashMap<>();
        Map<String, String> tags = new ConcurrentHashMap<>();
        try (BerthProcess berth = BerthProcess.start(work, BerthProcess.freePort(), env)) {
            berth.awaitStartedLine();
            RegistryClient registry = new RegistryClient(berth);
            try (ExecutorService clients = Executors.newFixedThreadPool(CLIENTS)) {
                List<Future<?>> loops = new ArrayList<>();
                for (int client = 0; client < CLIENTS; client++) {
                    int c = client;
                    loops.add(clients.submit(() -> {
                        pushAndDelete(registry, c, content, tags);
                        return null;
                    }));
                }
                for (Future<?> loop : loops) {
                    loop.get();
                }
            }
            // the collector catches up: nothing left to review, nothing condemned left in storage, and the
            // run that emptied the queues counted (a run adds its counters when it ends, after its last
            // queue entry is gone)
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            String metrics = metrics(registry);
            while ((!metrics.contains(BLOB_QUEUE_EMPTY) || !metrics.contains(DELETION_QUEUE_EMPTY)
                    || freedUnreferenced(metrics) == 0) && System.nanoTime() < deadline) {
                Thread.sleep(100);
                metrics = metrics(registry);
            }
            assertThat(metrics).contains(BLOB_QUEUE_EMPTY, DELETION_QUEUE_EMPTY);
            assertThat(freedUnreferenced(metrics)).as("the deleted images' own layers").isPositive();

            Set<String> referenced = referenced(registry, tags);
            assertThat(storedContent(contentRoot)).as("storage holds exactly what the remaining tags reference")
                    .isEqualTo(referenced);
            for (Map.Entry<String, String> tag : tags.entrySet()) {
                pullAndCompare(work, berth, tag.getKey(), tag.getValue(), content);
            }
            berth.stop();
        }

        // an image deleted while no collector runs, and bytes that reached storage but never the database
        Map<String, String> noCollector = new HashMap<>(storage);
        noCollector.put("REGISTRY_STORAGE_DELETE_ENABLED", "true");
        noCollector.put("REGISTRY_GC_ENABLED", "false");
        Set<String> referenced;
        try (BerthProcess berth = BerthProcess.start(work, BerthProcess.freePort(), noCollector)) {
            berth.awaitStartedLine();
            RegistryClient registry = new RegistryClient(berth);
            String doomed = pushImage(registry, "gc/doomed", "v1", bytes("doomed config"), bytes("doomed layer"));
            assertThat(registry.send("DELETE", "/v2/gc/doomed/manifests/" + doomed, new byte[0]).statusCode()).isEqualTo(202);
            referenced = referenced(registry, tags);
            berth.stop();
        }
        byte[] orphan = bytes("written by a node that crashed before its commit");
        Path orphanFile = contentRoot.resolve(KeyLayout.contentKey(Digest.parse(RegistryClient.sha256(orphan))));
        Files.createDirectories(orphanFile.getParent());
        Files.write(orphanFile, orphan);
        Set<String> before = storedContent(contentRoot);
        assertThat(before).hasSize(referenced.size() + 3);

        Map<String, String> now = new HashMap<>(storage);
        now.put("REGISTRY_GC_REVIEWAFTER", "0s");
        now.put("REGISTRY_GC_ORPHANGRACE", "0s");
        long doomedBytes = bytes("doomed config").length + bytes("doomed layer").length;
        if (everyCommandCase) {
            Map<String, String> readOnly = new HashMap<>(now);
            readOnly.put("REGISTRY_STORAGE_MAINTENANCE_READONLY_ENABLED", "true");
            try (BerthProcess refused = BerthProcess.start(work, BerthProcess.freePort(), readOnly, "gc")) {
                assertThat(refused.awaitExit(TIMEOUT)).as(refused.output()).isEqualTo(2);
                assertThat(refused.output()).contains("berth: nothing collected: the registry is read-only");
            }
            assertThat(storedContent(contentRoot)).isEqualTo(before);
            try (BerthProcess dry = BerthProcess.start(work, BerthProcess.freePort(), now, "gc", "--dry-run")) {
                assertThat(dry.awaitExit(TIMEOUT)).as(dry.output()).isZero();
                assertThat(dry.output()).contains("berth: would free 2 blobs (" + doomedBytes + " bytes), 1 orphans ("
                        + orphan.length + " bytes)");
            }
            assertThat(storedContent(contentRoot)).isEqualTo(before);
        }
        try (BerthProcess gc = BerthProcess.start(work, BerthProcess.freePort(), now, "gc")) {
            assertThat(gc.awaitExit(TIMEOUT)).as(gc.output()).isZero();
            assertThat(gc.output()).contains("berth: freed 2 blobs (" + doomedBytes + " bytes), 1 orphans ("
                    + orphan.length + " bytes)").contains((doomedBytes + orphan.length) + " bytes in all");
        }
        assertThat(storedContent(contentRoot)).isEqualTo(referenced);
    }

    /**
     * One client: each round pushes an image of a shared base layer, a layer shared with the next
     * client and a layer of its own, tags it, and deletes the image of the round before unless that
     * round was a third one. A push the collector races is retried from the start.
     */
    private static void pushAndDelete(RegistryClient registry, int client, Map<String, byte[]> content,
                                      Map<String, String> tags) throws Exception {
        String repository = "gc/client-" + client;
        Optional<String> previous = Optional.empty();
        for (int round = 0; round < ROUNDS; round++) {
            byte[] config = bytes("{\"client\":" + client + ",\"round\":" + round + "}");
            byte[] base = bytes("base layer shared by everyone");
            byte[] pair = bytes("layer shared by clients " + Math.min(client, (client + 1) % CLIENTS) + " and "
                    + Math.max(client, (client + 1) % CLIENTS) + " in round " + round);
            byte[] own = bytes("layer of client " + client + " round " + round);
            String tag = "r" + round;
            String digest = null;
            for (int attempt = 0; digest == null; attempt++) {
                try {
                    digest = pushImage(registry, repository, tag, config, base, pair, own);
                } catch (AssertionError raced) {
                    if (attempt == ATTEMPTS || !(raced.getMessage().contains("BLOB_UNKNOWN"))) {
                        throw raced;
                    }
                }
            }
            for (byte[] blob : List.of(config, base, pair, own)) {
                content.put(RegistryClient.sha256(blob), blob);
            }
            tags.put(repository + ":" + tag, digest);
            if (previous.isPresent()) {
                HttpResponse<byte[]> deleted = registry.send("DELETE", "/v2/" + repository + "/manifests/" + previous.get(),
                        new byte[0]);
                assertThat(deleted.statusCode()).isEqualTo(202);
                String gone = "r" + (round - 1);
                tags.remove(repository + ":" + gone);
            }
            previous = round % 3 == 0 ? Optional.empty() : Optional.of(digest);
        }
    }

    /** Pushes the blobs a client lacks (HEAD first, as docker does), then the manifest; returns its digest. */
    private static String pushImage(RegistryClient registry, String repository, String tag, byte[] config,
                                    byte[]... layers) {
        StringBuilder descriptors = new StringBuilder();
        for (byte[] layer : layers) {
            ensureBlob(registry, repository, layer);
            descriptors.append(descriptors.isEmpty() ? "" : ",").append(descriptor(
                    "application/vnd.oci.image.layer.v1.tar", layer));
        }
        ensureBlob(registry, repository, config);
        byte[] manifest = bytes("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":" + descriptor("application/vnd.oci.image.config.v1+json", config)
                + ",\"layers\":[" + descriptors + "]}");
        HttpResponse<byte[]> put = registry.send("PUT", "/v2/" + repository + "/manifests/" + tag, manifest,
                "Content-Type", "application/vnd.oci.image.manifest.v1+json");
        if (put.statusCode() != 201) {
            throw new AssertionError("manifest push answered " + put.statusCode() + ": " + RegistryClient.text(put));
        }
        return RegistryClient.sha256(manifest);
    }

    private static void ensureBlob(RegistryClient registry, String repository, byte[] blob) {
        String digest = RegistryClient.sha256(blob);
        if (registry.head("/v2/" + repository + "/blobs/" + digest).statusCode() != 200) {
            // BLOB_UNKNOWN too when the collector deleted the content while this upload completed
            registry.pushBlob(repository, blob);
        }
    }

    private static String descriptor(String mediaType, byte[] blob) {
        return "{\"mediaType\":\"" + mediaType + "\",\"digest\":\"" + RegistryClient.sha256(blob) + "\",\"size\":"
                + blob.length + "}";
    }

    /** The config and layer digests of the manifests the tags name, as the registry serves them. */
    private static Set<String> referenced(RegistryClient registry, Map<String, String> tags) {
        Set<String> digests = new HashSet<>();
        Pattern digest = Pattern.compile("\"digest\":\"(sha256:[0-9a-f]{64})\"");
        for (String tag : tags.keySet()) {
            String[] parts = tag.split(":");
            HttpResponse<byte[]> manifest = registry.get("/v2/" + parts[0] + "/manifests/" + parts[1],
                    "Accept", "application/vnd.oci.image.manifest.v1+json");
            assertThat(manifest.statusCode()).as(tag).isEqualTo(200);
            Matcher m = digest.matcher(RegistryClient.text(manifest));
            while (m.find()) {
                digests.add(m.group(1));
            }
        }
        return digests;
    }

    /** Every content object storage holds, by its key in the drivers' layout. */
    private static Set<String> storedContent(Path root) throws IOException {
        Path blobs = root.resolve(KeyLayout.BLOBS);
        if (!Files.isDirectory(blobs)) {
            return Set.of();
        }
        try (Stream<Path> files = Files.walk(blobs)) {
            Set<String> stored = new HashSet<>();
            files.filter(Files::isRegularFile).forEach(f -> stored.add(KeyLayout.parseContentKey(
                            root.relativize(f).toString().replace('\\', '/'))
                    .orElseThrow(() -> new AssertionError("not content: " + f)).toString()));
            return stored;
        }
    }

    private static void pullAndCompare(Path work, BerthProcess berth, String tag, String digest,
                                       Map<String, byte[]> content) throws Exception {
        Path pulled = work.resolve("pulled").resolve(tag.replace('/', '_').replace(':', '_'));
        WorkDirectories.deleteQuietly(pulled);
        Files.createDirectories(pulled.getParent());
        Commands.ok(work, TIMEOUT, "skopeo", "copy", "--src-tls-verify=false",
                "docker://127.0.0.1:" + berth.port() + "/" + tag, "dir:" + pulled);
        assertThat(RegistryClient.sha256(Files.readAllBytes(pulled.resolve("manifest.json")))).as(tag).isEqualTo(digest);
        try (Stream<Path> files = Files.list(pulled)) {
            files.filter(f -> f.getFileName().toString().matches("[0-9a-f]{64}")).forEach(f -> {
                try {
                    assertThat(Files.readAllBytes(f)).as(tag + " " + f.getFileName())
                            .isEqualTo(content.get("sha256:" + f.getFileName()));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    /** Blobs the collector deleted as unreferenced so far, by its counter in {@code metrics}. */
    private static long freedUnreferenced(String metrics) {
        Matcher freed = FREED.matcher(metrics);
        assertThat(freed.find()).as("the freed-blobs counter").isTrue();
        return Long.parseLong(freed.group(1));
    }

    private static String metrics(RegistryClient registry) {
        return RegistryClient.text(registry.get("/metrics"));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
