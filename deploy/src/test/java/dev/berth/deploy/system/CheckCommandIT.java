package dev.berth.deploy.system;

import dev.berth.adapters.storage.layout.KeyLayout;
import dev.berth.domain.Digest;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code java -jar berth.jar check [--verify]} on the packaged jar and a real data directory:
 * consistent storage exits 0; a blob file deleted and another changed in place (same size) are
 * each named, and the check exits 1.
 */
class CheckCommandIT {

    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(10);

    @Test
    void namesMissingAndRottenBlobsAndExitsByWhatItFound() throws Exception {
        Path work = Path.of("target", "check-command").toAbsolutePath();
        WorkDirectories.deleteQuietly(work);
        Files.createDirectories(work);
        Map<String, String> env = Map.of();
        String kept;
        String deleted;
        String rotten;
        try (BerthProcess berth = BerthProcess.start(work, BerthProcess.freePort(), env)) {
            berth.awaitStartedLine();
            RegistryClient registry = new RegistryClient(berth);
            kept = registry.pushBlob("checked/app", "a layer that stays".getBytes(StandardCharsets.UTF_8));
            deleted = registry.pushBlob("checked/app", "a layer whose file goes".getBytes(StandardCharsets.UTF_8));
            rotten = registry.pushBlob("checked/app", "a layer that rots".getBytes(StandardCharsets.UTF_8));
            berth.stop();
        }

        try (BerthProcess check = BerthProcess.start(work, BerthProcess.freePort(), env, "check")) {
            assertThat(check.awaitExit(COMMAND_TIMEOUT)).as(check.output()).isZero();
            assertThat(check.output()).contains("berth: checked 3 blobs (").contains("sizes: consistent");
        }

        Path blobs = work.resolve("berth-data/registry");
        Files.delete(blobs.resolve(KeyLayout.contentKey(Digest.parse(deleted))));
        Files.writeString(blobs.resolve(KeyLayout.contentKey(Digest.parse(rotten))), "A LAYER THAT ROTS");

        try (BerthProcess check = BerthProcess.start(work, BerthProcess.freePort(), env, "check", "--verify")) {
            assertThat(check.awaitExit(COMMAND_TIMEOUT)).as(check.output()).isEqualTo(1);
            assertThat(check.output())
                    .contains("berth: " + deleted + ": missing from storage")
                    .contains("berth: " + rotten + ": content hashes to sha256:")
                    .doesNotContain("berth: " + kept + ":")
                    .contains("berth: checked 3 blobs (").contains("sizes and digests: 2 problems");
        }
    }
}
