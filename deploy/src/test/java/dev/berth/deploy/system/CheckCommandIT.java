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
 * {@code java -jar berth.jar check [--verify] [--repair]} on the packaged jar and a real data
 * directory: a blob file deleted and another changed in place (same size) are each named and
 * repaired (marked missing, the wrong bytes removed), the check exits 1; the registry then answers
 * 404 for both, so that a push stores them again, after which the check finds the store consistent
 * and exits 0. The cold backup deployment.md documents (a tar of the stopped Berth's data directory),
 * taken before the damage and restored at the end, checks consistent too.
 */
class CheckCommandIT {

    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(10);

    @Test
    void namesAndRepairsMissingAndRottenBlobsAndExitsByWhatItFound() throws Exception {
        Path work = Path.of("target", "check-command").toAbsolutePath();
        WorkDirectories.deleteQuietly(work);
        Files.createDirectories(work);
        Map<String, String> env = Map.of();
        byte[] deletedBytes = "a layer whose file goes".getBytes(StandardCharsets.UTF_8);
        byte[] rottenBytes = "a layer that rots".getBytes(StandardCharsets.UTF_8);
        String kept;
        String deleted;
        String rotten;
        try (BerthProcess berth = BerthProcess.start(work, BerthProcess.freePort(), env)) {
            berth.awaitStartedLine();
            RegistryClient registry = new RegistryClient(berth);
            kept = registry.pushBlob("checked/app", "a layer that stays".getBytes(StandardCharsets.UTF_8));
            deleted = registry.pushBlob("checked/app", deletedBytes);
            rotten = registry.pushBlob("checked/app", rottenBytes);
            berth.stop();
        }
        // the documented cold backup (deployment.md#backup-and-restore): Berth stopped, the whole data directory
        Path backup = work.resolve("berth-backup.tar");
        Commands.ok(work, COMMAND_TIMEOUT, "tar", "-C", work.toString(), "-cpf", backup.toString(), "berth-data");

        Path blobs = work.resolve("berth-data/registry");
        Files.delete(blobs.resolve(KeyLayout.contentKey(Digest.parse(deleted))));
        Files.writeString(blobs.resolve(KeyLayout.contentKey(Digest.parse(rotten))), "A LAYER THAT ROTS");

        try (BerthProcess check = BerthProcess.start(work, BerthProcess.freePort(), env, "check", "--verify", "--repair")) {
            assertThat(check.awaitExit(COMMAND_TIMEOUT)).as(check.output()).isEqualTo(1);
            assertThat(check.output())
                    .contains("berth: " + deleted + ": missing from storage")
                    .contains("berth: " + rotten + ": content hashes to sha256:")
                    .contains("removed; marked missing: a push of it stores it again")
                    .doesNotContain("berth: " + kept + ":")
                    .contains("berth: checked 3 blobs (").contains("sizes and digests: 2 problems, 2 repaired");
        }

        try (BerthProcess berth = BerthProcess.start(work, BerthProcess.freePort(), env)) {
            berth.awaitStartedLine();
            RegistryClient registry = new RegistryClient(berth);
            assertThat(registry.head("/v2/checked/app/blobs/" + kept).statusCode()).isEqualTo(200);
            for (String lost : new String[]{deleted, rotten}) {
                assertThat(registry.head("/v2/checked/app/blobs/" + lost).statusCode()).as("so that docker pushes it again")
                        .isEqualTo(404);
            }
            registry.pushBlob("checked/app", deletedBytes);
            registry.pushBlob("checked/app", rottenBytes);
            assertThat(registry.get("/v2/checked/app/blobs/" + rotten).body()).isEqualTo(rottenBytes);
            berth.stop();
        }

        try (BerthProcess check = BerthProcess.start(work, BerthProcess.freePort(), env, "check", "--verify")) {
            assertThat(check.awaitExit(COMMAND_TIMEOUT)).as(check.output()).isZero();
            assertThat(check.output()).contains("berth: checked 3 blobs (").contains("sizes and digests: consistent");
        }

        // restored from the backup taken before the damage: every blob as first pushed, nothing to repair
        WorkDirectories.deleteQuietly(work.resolve("berth-data"));
        Commands.ok(work, COMMAND_TIMEOUT, "tar", "-C", work.toString(), "-xpf", backup.toString());
        assertThat(Files.readString(blobs.resolve(KeyLayout.contentKey(Digest.parse(rotten))))).isEqualTo("a layer that rots");
        try (BerthProcess check = BerthProcess.start(work, BerthProcess.freePort(), env, "check", "--verify")) {
            assertThat(check.awaitExit(COMMAND_TIMEOUT)).as(check.output()).isZero();
            assertThat(check.output()).contains("berth: checked 3 blobs (").contains("sizes and digests: consistent");
        }
    }
}
