package dev.berth.deploy.system;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static dev.berth.deploy.system.RegistryClient.header;
import static dev.berth.deploy.system.RegistryClient.sha256;
import static dev.berth.deploy.system.RegistryClient.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * SIGKILL of Berth (zero configuration: embedded PostgreSQL, filesystem storage) at random moments
 * of a push loop, then a restart, {@value #DEFAULT_ITERATIONS} times (20 with
 * {@code -Dberth.crash.iterations=20}; each costs a boot). After every restart: each push that was
 * acknowledged is there byte for byte, nothing the killed push half wrote is visible (a blob is
 * unknown or whole; every file in the store hashes to its name), the killed push succeeds when the
 * client retries it; at the end {@code berth.jar check --verify} finds the store consistent.
 */
class CrashRecoveryIT {

    private static final int DEFAULT_ITERATIONS = 3;
    private static final int ITERATIONS = Integer.getInteger("berth.crash.iterations", DEFAULT_ITERATIONS);
    private static final String REPOSITORY = "crash/app";
    private static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    private static final int CHUNK = 256 * 1024;

    /** Seeded so that a failure can be replayed: the seed is in the failure message. */
    private final long seed = Long.getLong("berth.crash.seed", System.nanoTime());
    private final Random content = new Random(seed);
    private final Random timing = new Random(seed + 1);

    @Test
    void everyAcknowledgedPushSurvivesSigkillAndTheInterruptedOneCanBeRetried() throws Exception {
        Path work = Path.of("target", "crash-recovery").toAbsolutePath();
        WorkDirectories.deleteQuietly(work);
        Files.createDirectories(work);
        int port = BerthProcess.freePort();
        Map<String, Image> acknowledged = new LinkedHashMap<>();
        List<String> log = new ArrayList<>();
        int nextImage = 0;
        // the killed JVMs' temporary files: in a directory of this test's, where nothing else writes
        Path temporary = Files.createDirectories(work.resolve("tmp"));
        List<String> jvm = new ArrayList<>(BerthProcess.quickBoot());
        jvm.add("-Djava.io.tmpdir=" + temporary);
        BerthProcess berth = BerthProcess.start(jvm, work, port, Map.of());
        try {
            for (int iteration = 0; iteration < ITERATIONS; iteration++) {
                berth.awaitReady();
                RegistryClient pushing = new RegistryClient(berth);
                AtomicReference<Image> inFlight = new AtomicReference<>();
                AtomicReference<RuntimeException> failedBeforeTheKill = new AtomicReference<>();
                AtomicBoolean killed = new AtomicBoolean();
                int first = nextImage;
                Thread pusher = Thread.ofPlatform().name("crash-pusher").start(() -> {
                    for (int i = first; ; i++) {
                        Image image = Image.generate(content, i);
                        inFlight.set(image);
                        try {
                            push(pushing, image);
                        } catch (RuntimeException e) {
                            if (!killed.get()) {
                                failedBeforeTheKill.set(e);
                            }
                            return;
                        }
                        synchronized (acknowledged) {
                            acknowledged.put(image.tag(), image);
                        }
                    }
                });
                long killAfter = 300 + timing.nextInt(3700);
                Thread.sleep(killAfter);
                killed.set(true);
                berth.kill();
                pusher.join(Duration.ofSeconds(60));
                assertThat(pusher.isAlive()).as("the pusher saw the kill").isFalse();
                assertThat(failedBeforeTheKill.get()).as("a push failed while Berth was up").isNull();
                Image interrupted = inFlight.get();
                nextImage = Integer.parseInt(interrupted.tag().substring(1)) + 1;
                log.add("iteration " + iteration + ": killed after " + killAfter + " ms, " + acknowledged.size()
                        + " images acknowledged, interrupted " + interrupted.tag());

                berth = BerthProcess.start(jvm, work, port, Map.of());
                berth.awaitReady();
                RegistryClient registry = new RegistryClient(berth);
                String context = "seed " + seed + ", " + String.join("; ", log);
                synchronized (acknowledged) {
                    for (Image image : acknowledged.values()) {
                        assertPulls(registry, image, context);
                    }
                }
                assertNothingHalfWritten(registry, interrupted, context);
                assertEveryStoredFileHashesToItsName(work, context);

                push(registry, interrupted);
                assertPulls(registry, interrupted, context + ": the retried push");
                acknowledged.put(interrupted.tag(), interrupted);
            }
            berth.stop();
        } finally {
            berth.close();
        }

        try (BerthProcess check = BerthProcess.start(jvm, work, BerthProcess.freePort(), Map.of(), "check", "--verify")) {
            assertThat(check.awaitExit(Duration.ofMinutes(10))).as(check.output()).isZero();
            assertThat(check.output()).contains("sizes and digests: consistent");
        }
        assertThat(leftBehind(temporary)).as("Payara's runtimes (96 MB) and copies of the WAR (130 MB) left behind"
                + " by killed Berths, all stopped now").isEmpty();
        System.out.println("CrashRecoveryIT: seed " + seed + "\n  " + String.join("\n  ", log));
    }

    /**
     * What Payara Micro writes to java.io.tmpdir unless told otherwise, and deletes only on an orderly
     * exit: its runtime (payaramicro-rt…tmp) and a copy of a WAR it deploys from a stream (app…tmp);
     * Berth's own runtime directories (berth-runtime-PID).
     */
    private static List<String> leftBehind(Path temporary) throws IOException {
        try (Stream<Path> files = Files.list(temporary)) {
            return files.map(f -> f.getFileName().toString())
                    .filter(name -> name.matches("app\\d+tmp|payaramicro-rt\\d+tmp|berth-runtime-\\d+")).toList();
        }
    }

    /** As a client pushes: each blob unless the registry has it, in one of three upload styles; then the manifest. */
    private static void push(RegistryClient registry, Image image) {
        for (int i = 0; i < image.blobs().size(); i++) {
            byte[] blob = image.blobs().get(i);
            String digest = sha256(blob);
            if (registry.head("/v2/" + REPOSITORY + "/blobs/" + digest).statusCode() == 200) {
                continue;
            }
            switch ((image.number() + i) % 3) {
                case 0 -> registry.pushBlob(REPOSITORY, blob);
                case 1 -> expect(201, registry.send("PUT", withDigest(startUpload(registry), digest), blob,
                        "Content-Type", "application/octet-stream"));
                default -> pushInChunks(registry, blob, digest);
            }
        }
        expect(201, registry.send("PUT", "/v2/" + REPOSITORY + "/manifests/" + image.tag(), image.manifest(),
                "Content-Type", OCI_MANIFEST));
    }

    private static void pushInChunks(RegistryClient registry, byte[] blob, String digest) {
        String location = startUpload(registry);
        for (int offset = 0; offset < blob.length; offset += CHUNK) {
            int end = Math.min(blob.length, offset + CHUNK);
            HttpResponse<byte[]> patch = expect(202, registry.send("PATCH", location, Arrays.copyOfRange(blob, offset, end),
                    "Content-Type", "application/octet-stream",
                    "Content-Range", offset + "-" + (end - 1)));
            location = header(patch, "Location");
        }
        expect(201, registry.send("PUT", withDigest(location, digest), null));
    }

    private static String startUpload(RegistryClient registry) {
        return header(expect(202, registry.send("POST", "/v2/" + REPOSITORY + "/blobs/uploads/", null)), "Location");
    }

    private static String withDigest(String location, String digest) {
        return location + (location.contains("?") ? "&" : "?") + "digest=" + digest;
    }

    private static HttpResponse<byte[]> expect(int status, HttpResponse<byte[]> response) {
        if (response.statusCode() != status) {
            throw new IllegalStateException(response.request().method() + " " + response.uri() + " answered "
                    + response.statusCode() + ": " + text(response));
        }
        return response;
    }

    private static void assertPulls(RegistryClient registry, Image image, String context) {
        HttpResponse<byte[]> manifest = registry.get("/v2/" + REPOSITORY + "/manifests/" + image.tag(), "Accept", OCI_MANIFEST);
        assertThat(manifest.statusCode()).as("%s: %s", context, image.tag()).isEqualTo(200);
        assertThat(manifest.body()).as("%s: %s", context, image.tag()).isEqualTo(image.manifest());
        for (byte[] blob : image.blobs()) {
            HttpResponse<byte[]> got = registry.get("/v2/" + REPOSITORY + "/blobs/" + sha256(blob));
            assertThat(got.statusCode()).as("%s: blob of %s", context, image.tag()).isEqualTo(200);
            assertThat(sha256(got.body())).as("%s: blob of %s", context, image.tag()).isEqualTo(sha256(blob));
        }
    }

    /** The killed push's blobs are unknown or whole, its tag absent or complete: never anything in between. */
    private static void assertNothingHalfWritten(RegistryClient registry, Image image, String context) {
        for (byte[] blob : image.blobs()) {
            String digest = sha256(blob);
            HttpResponse<byte[]> got = registry.get("/v2/" + REPOSITORY + "/blobs/" + digest);
            assertThat(got.statusCode()).as("%s: %s of the interrupted push", context, digest).isIn(200, 404);
            if (got.statusCode() == 200) {
                assertThat(sha256(got.body())).as("%s: %s of the interrupted push", context, digest).isEqualTo(digest);
            } else {
                assertThat(text(got)).contains("BLOB_UNKNOWN");
            }
        }
        HttpResponse<byte[]> manifest = registry.get("/v2/" + REPOSITORY + "/manifests/" + image.tag(), "Accept", OCI_MANIFEST);
        assertThat(manifest.statusCode()).as("%s: tag of the interrupted push", context).isIn(200, 404);
        if (manifest.statusCode() == 200) {
            assertThat(manifest.body()).as("%s: tag of the interrupted push", context).isEqualTo(image.manifest());
        }
    }

    /** Content-addressed storage: a file under blobs/ whose bytes do not hash to its name would be a half-written blob. */
    private static void assertEveryStoredFileHashesToItsName(Path work, String context) throws IOException {
        Path blobs = work.resolve("berth-data/registry/blobs/sha256");
        try (Stream<Path> files = Files.walk(blobs)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                byte[] content = readAll(file);
                assertThat(sha256(content)).as("%s: %s", context, file).isEqualTo("sha256:" + file.getFileName());
            }
        }
    }

    private static byte[] readAll(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A config and one to three layers (1 KiB to 2 MiB of random bytes), and the OCI manifest listing them. */
    private record Image(int number, List<byte[]> blobs, byte[] manifest) {

        String tag() {
            return "v" + number;
        }

        static Image generate(Random random, int number) {
            List<byte[]> blobs = new ArrayList<>();
            blobs.add(("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Labels\":{\"n\":\"" + number + "-"
                    + random.nextLong() + "\"}}}").getBytes(StandardCharsets.UTF_8));
            int layers = 1 + random.nextInt(3);
            for (int i = 0; i < layers; i++) {
                byte[] layer = new byte[1024 + random.nextInt(2 * 1024 * 1024)];
                random.nextBytes(layer);
                blobs.add(layer);
            }
            StringBuilder json = new StringBuilder("{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\",")
                    .append("\"config\":").append(descriptor("application/vnd.oci.image.config.v1+json", blobs.getFirst()))
                    .append(",\"layers\":[");
            for (int i = 1; i < blobs.size(); i++) {
                json.append(i > 1 ? "," : "").append(descriptor("application/vnd.oci.image.layer.v1.tar", blobs.get(i)));
            }
            return new Image(number, blobs, json.append("]}").toString().getBytes(StandardCharsets.UTF_8));
        }

        private static String descriptor(String mediaType, byte[] blob) {
            return "{\"mediaType\":\"" + mediaType + "\",\"digest\":\"" + sha256(blob) + "\",\"size\":" + blob.length + "}";
        }
    }
}
