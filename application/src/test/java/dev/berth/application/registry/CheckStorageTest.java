package dev.berth.application.registry;

import dev.berth.application.system.CheckStorage;
import dev.berth.domain.Digest;
import dev.berth.domain.RepositoryName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

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

        CheckStorage.Report report = check().check(true);

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

        CheckStorage.Report quick = check().check(false);
        assertThat(quick.problems()).extracting(CheckStorage.Problem::digest).containsExactlyInAnyOrder(missing, truncated);
        assertThat(quick.problems()).filteredOn(p -> p.digest().equals(missing)).singleElement()
                .satisfies(p -> assertThat(p.what()).contains("missing from storage"));

        CheckStorage.Report verified = check().check(true);
        assertThat(verified.problemCount()).isEqualTo(3);
        assertThat(verified.problems()).filteredOn(p -> p.digest().equals(rotten)).singleElement()
                .satisfies(p -> assertThat(p.what()).startsWith("content hashes to sha256:"));
        assertThat(verified.problems()).extracting(CheckStorage.Problem::digest).doesNotContain(fine);
    }
}
