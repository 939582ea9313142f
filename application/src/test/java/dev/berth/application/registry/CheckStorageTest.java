package dev.berth.application.registry;

import dev.berth.application.system.CheckStorage;
import dev.berth.domain.Digest;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.error.BlobUnknownException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code berth.jar check}: metadata against storage, every blob, a page at a time. */
class CheckStorageTest {

    private final TestRegistry registry = new TestRegistry();
    private final RepositoryName repo = RepositoryName.parse("team/app");

    private CheckStorage check() {
        return new CheckStorage(registry.metadata, registry.blobs);
    }

    @Test
    void aConsistentStoreHasNoProblemsAcrossPages() {
        IntStream.range(0, 2500).forEach(i -> registry.push(repo, ("blob " + i).getBytes(StandardCharsets.UTF_8)));

        CheckStorage.Report report = check().check(true, false);

        assertThat(report.consistent()).isTrue();
        assertThat(report.blobs()).isEqualTo(2500);
        assertThat(report.verified()).isTrue();
    }

    @Test
    void missingWrongSizedAndRottenBlobsAreNamed() {
        Digest missing = registry.push(repo, "gone".getBytes(StandardCharsets.UTF_8));
        Digest truncated = registry.push(repo, "truncated".getBytes(StandardCharsets.UTF_8));
        Digest rotten = registry.push(repo, "rotten".getBytes(StandardCharsets.UTF_8));
        Digest fine = registry.push(repo, "fine".getBytes(StandardCharsets.UTF_8));
        registry.blobs.delete(missing);
        registry.blobs.corrupt(truncated, "trunc".getBytes(StandardCharsets.UTF_8));
        registry.blobs.corrupt(rotten, "ROTTEN".getBytes(StandardCharsets.UTF_8));

        CheckStorage.Report quick = check().check(false, false);
        assertThat(quick.problems()).extracting(CheckStorage.Problem::digest).containsExactlyInAnyOrder(missing, truncated);
        assertThat(quick.problems()).filteredOn(p -> p.digest().equals(missing)).singleElement()
                .satisfies(p -> assertThat(p.what()).contains("missing from storage"));

        CheckStorage.Report verified = check().check(true, false);
        assertThat(verified.problemCount()).isEqualTo(3);
        assertThat(verified.problems()).filteredOn(p -> p.digest().equals(rotten)).singleElement()
                .satisfies(p -> assertThat(p.what()).startsWith("content hashes to sha256:"));
        assertThat(verified.problems()).extracting(CheckStorage.Problem::digest).doesNotContain(fine);
        assertThat(verified.repairedCount()).isZero();
        assertThat(registry.getBlob().find(repo, missing).size()).as("a check without --repair changes nothing").isEqualTo(4);
    }

    @Test
    void repairMakesLostAndWrongContentUnknownSoThatTheNextPushStoresItAgain() {
        byte[] gone = "gone".getBytes(StandardCharsets.UTF_8);
        byte[] rottenBytes = "rotten".getBytes(StandardCharsets.UTF_8);
        Digest missing = registry.push(repo, gone);
        Digest rotten = registry.push(repo, rottenBytes);
        Digest fine = registry.push(repo, "fine".getBytes(StandardCharsets.UTF_8));
        registry.blobs.delete(missing);
        registry.blobs.corrupt(rotten, "ROTTEN".getBytes(StandardCharsets.UTF_8));

        CheckStorage.Report repair = check().check(true, true);

        assertThat(repair.problemCount()).isEqualTo(2);
        assertThat(repair.repairedCount()).isEqualTo(2);
        assertThat(repair.problems()).filteredOn(p -> p.digest().equals(rotten)).singleElement()
                .satisfies(p -> assertThat(p.what()).contains("content hashes to").contains("removed")
                        .contains("marked missing"));
        assertThat(registry.blobs.stores(rotten)).as("wrong bytes cannot be served any more").isFalse();
        for (Digest lost : new Digest[]{missing, rotten}) {
            assertThatThrownBy(() -> registry.getBlob().find(repo, lost)).isInstanceOf(BlobUnknownException.class);
        }
        assertThat(registry.getBlob().find(repo, fine).size()).isEqualTo(4);
        assertThat(check().check(true, true).problems()).as("nothing more to repair until pushed")
                .allSatisfy(p -> assertThat(p.repaired()).isFalse())
                .allSatisfy(p -> assertThat(p.what()).contains("marked missing: a push of it stores it again"));

        registry.push(repo, gone);
        registry.push(repo, rottenBytes);

        assertThat(check().check(true, false).consistent()).isTrue();
        assertThat(registry.getBlob().find(repo, rotten).size()).isEqualTo(rottenBytes.length);
    }

    @Test
    void contentRestoredFromABackupIsUnmarkedByTheRepair() throws Exception {
        byte[] content = "restored".getBytes(StandardCharsets.UTF_8);
        Digest digest = registry.push(repo, content);
        registry.blobs.delete(digest);
        check().check(false, true);
        registry.blobs.restore(digest, content);

        CheckStorage.Report look = check().check(true, false);
        assertThat(look.problems()).singleElement().satisfies(p -> assertThat(p.what()).contains("in storage again"));
        assertThatThrownBy(() -> registry.getBlob().find(repo, digest)).isInstanceOf(BlobUnknownException.class);

        assertThat(check().check(true, true).repairedCount()).isEqualTo(1);
        assertThat(check().check(true, false).consistent()).isTrue();
        assertThat(registry.getBlob().find(repo, digest).size()).isEqualTo(content.length);
    }
}
