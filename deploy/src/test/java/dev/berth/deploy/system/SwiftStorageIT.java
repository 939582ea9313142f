package dev.berth.deploy.system;

import dev.berth.adapters.storage.swift.SwiftServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged Berth with its blobs in a real OpenStack Swift on loopback: skopeo pushes an image
 * whose layers span several Swift segments and pulls it back byte for byte.
 */
@ExtendWith(SwiftServer.class)
class SwiftStorageIT {

    private static final Duration TIMEOUT = Duration.ofMinutes(5);
    private static final String CONTAINER = "berth-it";
    private static final String PREFIX = "it-" + UUID.randomUUID();
    private static BerthProcess berth;

    @TempDir
    Path work;

    @BeforeAll
    static void start() throws Exception {
        berth = BerthProcess.start(Path.of("target", "swift-berth-" + UUID.randomUUID()).toAbsolutePath(),
                BerthProcess.freePort(), Map.of(
                        "REGISTRY_STORAGE", "swift",
                        "REGISTRY_STORAGE_SWIFT_AUTHURL", SwiftServer.authUrl().toString(),
                        "REGISTRY_STORAGE_SWIFT_USERNAME", SwiftServer.USER,
                        "REGISTRY_STORAGE_SWIFT_PASSWORD", SwiftServer.KEY,
                        "REGISTRY_STORAGE_SWIFT_CONTAINER", CONTAINER,
                        "REGISTRY_STORAGE_SWIFT_PREFIX", PREFIX,
                        "REGISTRY_STORAGE_SWIFT_CHUNKSIZE", String.valueOf(1 << 20),
                        "REGISTRY_STORAGE_SWIFT_SECRETKEY", "it-temp-url-key"));
        berth.awaitReady();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (berth != null) {
            berth.close();
        }
    }

    @Test
    void skopeoPushesAndPullsBackAnImageStoredInSwift() throws Exception {
        String host = "127.0.0.1:" + berth.port();
        OciImageLayout source = OciImageLayout.create(work.resolve("source"));
        OciImageLayout.Blob image = source.image("amd64", 71, 2_500_000, 300_000, 3_500_000);
        source.tag(image, "v1");
        String remote = "docker://" + host + "/swift/skopeo:v1";

        OciImageLayout pulled = source.pushAndPullBack("v1", remote, work.resolve("pulled"), TIMEOUT);
        assertThat(Files.readString(pulled.root().resolve("index.json"))).contains(image.digest());

        // the layers and the config are in Swift, in segments of at most 1 MiB behind static large
        // objects (manifests live in the database)
        try (var blobs = Files.list(source.root().resolve("blobs/sha256"))) {
            for (Path blob : blobs.filter(b -> !image.digest().endsWith(b.getFileName().toString())).toList()) {
                String hex = blob.getFileName().toString();
                assertThat(SwiftServer.list(CONTAINER, PREFIX + "/blobs/sha256/" + hex.substring(0, 2) + "/" + hex))
                        .as("blob " + hex + " in Swift").hasSize(1);
            }
        }
        assertThat(SwiftServer.list(CONTAINER, PREFIX + "/segments/")).hasSizeGreaterThanOrEqualTo(7);
        assertThat(uploadsOnceNoProbeRuns()).as("no upload left").isEmpty();
    }

    /**
     * The uploads in Swift at a moment when none is Berth's storage probe, which writes and deletes
     * an upload of its own every few seconds (BlobStoreStatus): one caught between its two steps is
     * not a push's leftover. A leftover stays, and is returned after 30 s.
     */
    private static List<String> uploadsOnceNoProbeRuns() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        List<String> uploads = SwiftServer.list(CONTAINER, PREFIX + "/uploads/");
        while (!uploads.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(200);
            uploads = SwiftServer.list(CONTAINER, PREFIX + "/uploads/");
        }
        return uploads;
    }
}
