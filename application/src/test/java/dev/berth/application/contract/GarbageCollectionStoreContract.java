package dev.berth.application.contract;

import dev.berth.application.port.GarbageCollectionStore;
import dev.berth.application.port.GarbageCollectionStore.BlobVerdict;
import dev.berth.application.port.GarbageCollectionStore.QueuedManifest;
import dev.berth.application.port.GarbageCollectionStore.Verdict;
import dev.berth.application.port.StorageUsageStore;
import dev.berth.application.port.StoredManifest;
import dev.berth.application.usage.NamespaceUsage;
import dev.berth.application.usage.RegistryUsage;
import dev.berth.domain.Digest;
import dev.berth.domain.DigestAlgorithm;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.Tag;
import dev.berth.domain.error.ManifestBlobUnknownException;
import dev.berth.domain.manifest.MediaType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What garbage collection relies on from its store: the queueing the registry's changes do, and
 * decisions that keep whatever is referenced, also against a push racing them. The in-memory fake
 * and the PostgreSQL adapter pass the same tests.
 */
public abstract class GarbageCollectionStoreContract {

    private static final RepositoryName APP = new RepositoryName("team/app");
    private static final RepositoryName OTHER = new RepositoryName("team/other");
    /** Whatever the store's clock says now, entries queued by the test are due by then, and not before this. */
    private static final Instant DUE = Instant.now().plus(Duration.ofDays(1));
    private static final Instant NOT_YET = Instant.now().minus(Duration.ofDays(1));

    protected MetadataPorts ports;
    protected GarbageCollectionStore gc;
    protected StorageUsageStore usage;

    /** The metadata ports, garbage collection and usage stores of one implementation, over an empty store. */
    public record Stores(MetadataPorts ports, GarbageCollectionStore gc, StorageUsageStore usage) {
    }

    protected abstract Stores emptyStores();

    @BeforeEach
    void openEmptyStore() {
        Stores stores = emptyStores();
        ports = stores.ports();
        gc = stores.gc();
        usage = stores.usage();
    }

    @Test
    void aLinkedBlobNoManifestReferencesIsCollectedWithItsLinks() {
        Digest blob = linked(APP, "abandoned", 7);
        ports.blobs().link(OTHER, blob);

        assertThat(gc.dueBlobs(NOT_YET, Optional.empty(), 10)).isEmpty();
        assertThat(gc.dueBlobs(DUE, Optional.empty(), 10)).containsExactly(blob);
        BlobVerdict verdict = gc.reviewBlob(blob, DUE, false);

        assertThat(verdict.verdict()).isEqualTo(Verdict.COLLECTED);
        assertThat(verdict.size()).isEqualTo(7);
        assertThat(ports.blobs().blobSize(blob)).isEmpty();
        assertThat(ports.blobs().linkedSize(APP, blob)).isEmpty();
        assertThat(ports.blobs().linkedSize(OTHER, blob)).isEmpty();
        assertThat(gc.pendingDeletions(10)).extracting(GarbageCollectionStore.Condemned::digest).containsExactly(blob);
        assertThat(gc.dueBlobs(DUE, Optional.empty(), 10)).isEmpty();
    }

    @Test
    void aBlobAManifestReferencesIsKeptAndLeavesTheQueue() {
        StoredManifest image = image(APP, "kept");
        ports.manifests().put(APP, image);
        Digest layer = image.blobs().getLast();

        assertThat(gc.reviewBlob(layer, DUE, false).verdict()).isEqualTo(Verdict.KEPT);
        assertThat(ports.blobs().linkedSize(APP, layer)).isPresent();
        assertThat(gc.dueBlobs(DUE, Optional.empty(), 10)).doesNotContain(layer);
        assertThat(gc.pendingDeletions(10)).isEmpty();
    }

    @Test
    void anEntryQueuedAgainAfterTheDueTimeIsNotReviewed() {
        Digest blob = linked(APP, "fresh", 3);

        assertThat(gc.reviewBlob(blob, NOT_YET, false).verdict()).isEqualTo(Verdict.NOT_DUE);
        assertThat(ports.blobs().blobSize(blob)).isPresent();
    }

    @Test
    void aDryRunDecidesAndChangesNothing() {
        Digest blob = linked(APP, "garbage", 11);

        assertThat(gc.reviewBlob(blob, DUE, true).verdict()).isEqualTo(Verdict.COLLECTED);
        assertThat(ports.blobs().linkedSize(APP, blob)).hasValue(11);
        assertThat(gc.dueBlobs(DUE, Optional.empty(), 10)).containsExactly(blob);
        assertThat(gc.pendingDeletions(10)).isEmpty();
    }

    @Test
    void deletingAManifestQueuesItsLayersWhichAreThenCollected() {
        StoredManifest image = image(APP, "deleted");
        ports.manifests().put(APP, image);
        drainBlobQueue();

        ports.manifests().delete(APP, image.digest());

        assertThat(gc.dueBlobs(DUE, Optional.empty(), 10)).containsExactlyInAnyOrderElementsOf(image.blobs());
        image.blobs().forEach(blob -> assertThat(gc.reviewBlob(blob, DUE, false).verdict()).isEqualTo(Verdict.COLLECTED));
    }

    @Test
    void deletingARepositoryQueuesItsBlobs() {
        StoredManifest image = image(APP, "repository");
        ports.manifests().put(APP, image);
        drainBlobQueue();

        ports.catalog().delete(APP);

        assertThat(gc.dueBlobs(DUE, Optional.empty(), 10)).containsExactlyInAnyOrderElementsOf(image.blobs());
    }

    @Test
    void contentDeletionRunsOnceAndIsRememberedForRecreation() throws Exception {
        Digest blob = linked(APP, "deleted bytes", 5);
        gc.reviewBlob(blob, DUE, false);
        assertThat(gc.guardRecreation(blob)).isFalse();
        List<Digest> deleted = new ArrayList<>();

        assertThat(gc.deleteContent(blob, deleted::add)).isTrue();
        assertThat(gc.deleteContent(blob, deleted::add)).isFalse();

        assertThat(deleted).containsExactly(blob);
        assertThat(gc.pendingDeletions(10)).isEmpty();
        assertThat(ports.transactions().inTransaction(() -> gc.guardRecreation(blob))).isTrue();
        gc.pruneDeletions(DUE);
        assertThat(gc.guardRecreation(blob)).isFalse();
    }

    @Test
    void theBytesOfABlobRecordedAgainBeforeTheirDeletionStay() throws Exception {
        Digest blob = linked(APP, "recreated", 5);
        gc.reviewBlob(blob, DUE, false);
        ports.blobs().recordBlob(blob, 5);
        List<Digest> deleted = new ArrayList<>();

        assertThat(gc.deleteContent(blob, deleted::add)).isFalse();

        assertThat(deleted).isEmpty();
        assertThat(gc.pendingDeletions(10)).isEmpty();
        assertThat(ports.blobs().blobSize(blob)).hasValue(5);
    }

    @Test
    void aManifestPushAfterItsBlobWasCollectedFailsAsMissingContent() {
        StoredManifest image = image(APP, "late push");
        image.blobs().forEach(blob -> gc.reviewBlob(blob, DUE, false));

        assertThatThrownBy(() -> ports.manifests().put(APP, image)).isInstanceOf(ManifestBlobUnknownException.class);
        assertThat(ports.manifests().exists(APP, image.digest())).isFalse();
    }

    @Test
    void aPushRacingTheReviewEitherKeepsTheBlobOrFailsCleanly() throws Exception {
        for (int round = 0; round < 20; round++) {
            StoredManifest image = image(APP, "race " + round);
            Digest layer = image.blobs().getLast();
            CyclicBarrier start = new CyclicBarrier(2);
            CompletableFuture<Verdict> review = CompletableFuture.supplyAsync(() -> {
                await(start);
                return gc.reviewBlob(layer, DUE, false).verdict();
            });
            CompletableFuture<Boolean> push = CompletableFuture.supplyAsync(() -> {
                await(start);
                try {
                    ports.manifests().put(APP, image);
                    return true;
                } catch (ManifestBlobUnknownException e) {
                    return false;
                }
            });

            boolean pushed = push.get();
            Verdict verdict = review.get();

            if (pushed) {
                assertThat(verdict).isIn(Verdict.KEPT, Verdict.NOT_DUE);
                assertThat(ports.blobs().blobSize(layer)).isPresent();
            } else {
                assertThat(verdict).isEqualTo(Verdict.COLLECTED);
                assertThat(ports.manifests().exists(APP, image.digest())).isFalse();
            }
        }
    }

    /**
     * An upload completing with the digest of an abandoned blob that collection is condemning: the push
     * found the row, collection deleted it, and the push's link then broke the foreign key (a 500 in
     * GarbageCollectionIT). Due is between the abandoned link and the push, as in production.
     */
    @Test
    void anUploadRacingTheCollectionOfItsAbandonedTwinKeepsItsBlob() throws Exception {
        for (int round = 0; round < 20; round++) {
            Digest blob = linked(APP, "abandoned twin " + round, 5);
            Thread.sleep(2);
            Instant due = Instant.now();
            Thread.sleep(2);
            CyclicBarrier start = new CyclicBarrier(2);
            CompletableFuture<Verdict> review = CompletableFuture.supplyAsync(() -> {
                await(start);
                return gc.reviewBlob(blob, due, false).verdict();
            });
            CompletableFuture<Void> upload = CompletableFuture.runAsync(() -> {
                await(start);
                ports.blobs().recordAndLink(OTHER, blob, 5);
            });

            upload.get();
            assertThat(review.get()).isIn(Verdict.COLLECTED, Verdict.NOT_DUE);
            assertThat(ports.blobs().blobSize(blob)).as("round %d", round).hasValue(5);
            assertThat(ports.blobs().linkedSize(OTHER, blob)).as("round %d", round).isPresent();
        }
    }

    @Test
    void untaggedManifestsGoButTaggedOnesChildrenAndReferrersOfKeptSubjectsStay() {
        StoredManifest tagged = image(APP, "tagged");
        StoredManifest untagged = image(APP, "untagged");
        StoredManifest child = image(APP, "child");
        ports.manifests().put(APP, tagged);
        ports.manifests().put(APP, untagged);
        ports.manifests().put(APP, child);
        ports.tags().tag(APP, new Tag("latest"), tagged.digest());
        StoredManifest index = manifest("index", List.of(), List.of(child.digest()), null);
        ports.manifests().put(APP, index);
        ports.tags().tag(APP, new Tag("multi"), index.digest());
        StoredManifest signature = manifest("signature", List.of(), List.of(), tagged.digest());
        ports.manifests().put(APP, signature);

        assertThat(gc.dueManifests(DUE, Optional.empty(), 10)).extracting(QueuedManifest::digest)
                .contains(tagged.digest(), untagged.digest(), child.digest(), index.digest(), signature.digest());
        for (QueuedManifest queued : gc.dueManifests(DUE, Optional.empty(), 10)) {
            Verdict verdict = gc.reviewManifest(queued, DUE, true, false);
            assertThat(verdict).isEqualTo(queued.digest().equals(untagged.digest()) ? Verdict.COLLECTED : Verdict.KEPT);
        }
        assertThat(ports.manifests().exists(APP, untagged.digest())).isFalse();
        assertThat(gc.dueBlobs(DUE, Optional.empty(), 10)).containsAll(untagged.blobs());
    }

    @Test
    void whatIsCollectedNoLongerCountsInStorageUsage() {
        StoredManifest untagged = image(APP, "untagged");
        ports.manifests().put(APP, untagged);
        Digest abandoned = linked(APP, "abandoned", 7);
        assertThat(usage.namespace("team")).get().extracting(NamespaceUsage::blobs, NamespaceUsage::blobBytes,
                NamespaceUsage::manifestBytes).containsExactly(3L, 18L, untagged.size());

        assertThat(gc.reviewBlob(abandoned, DUE, false).verdict()).isEqualTo(Verdict.COLLECTED);
        assertThat(gc.reviewManifest(new QueuedManifest(APP, untagged.digest()), DUE, true, false))
                .isEqualTo(Verdict.COLLECTED);
        for (Digest layer : untagged.blobs()) {
            assertThat(gc.reviewBlob(layer, DUE, false).verdict()).isEqualTo(Verdict.COLLECTED);
        }

        assertThat(usage.namespace("team")).get().extracting(NamespaceUsage::repositories, NamespaceUsage::blobs,
                NamespaceUsage::blobBytes, NamespaceUsage::manifestBytes).containsExactly(1L, 0L, 0L, 0L);
        assertThat(usage.registry()).isEqualTo(new RegistryUsage(1, 1, 0, 0, 0));
    }

    @Test
    void withoutTheUntaggedPolicyAnUntaggedManifestStaysQueuedAndKeptOnesLeaveTheQueue() {
        StoredManifest tagged = image(APP, "tagged");
        StoredManifest untagged = image(APP, "untagged");
        ports.manifests().put(APP, tagged);
        ports.manifests().put(APP, untagged);
        ports.tags().tag(APP, new Tag("latest"), tagged.digest());

        assertThat(gc.reviewManifest(new QueuedManifest(APP, tagged.digest()), DUE, false, false)).isEqualTo(Verdict.KEPT);
        assertThat(gc.reviewManifest(new QueuedManifest(APP, untagged.digest()), DUE, false, false))
                .isEqualTo(Verdict.NOT_DUE);

        assertThat(dueManifests()).containsExactly(untagged.digest());
        assertThat(ports.manifests().exists(APP, untagged.digest())).isTrue();
    }

    @Test
    void movingATagQueuesTheManifestItLeftAndDeletingTheSubjectQueuesItsReferrers() {
        StoredManifest first = image(APP, "first");
        StoredManifest second = image(APP, "second");
        ports.manifests().put(APP, first);
        ports.manifests().put(APP, second);
        ports.tags().tag(APP, new Tag("latest"), first.digest());
        ports.tags().tag(APP, new Tag("stable"), second.digest());
        StoredManifest signature = manifest("signature", List.of(), List.of(), first.digest());
        ports.manifests().put(APP, signature);
        drainManifestQueue();

        ports.tags().tag(APP, new Tag("latest"), second.digest());
        assertThat(dueManifests()).containsExactly(first.digest());

        assertThat(gc.reviewManifest(new QueuedManifest(APP, first.digest()), DUE, true, false)).isEqualTo(Verdict.COLLECTED);
        assertThat(dueManifests()).containsExactly(signature.digest());
        assertThat(gc.reviewManifest(new QueuedManifest(APP, signature.digest()), DUE, true, false)).isEqualTo(Verdict.COLLECTED);
    }

    @Test
    void orphansAreThoseWithoutABlobRowSeenSinceBeforeTheGracePeriod() {
        Digest recorded = linked(APP, "recorded", 1);
        Digest orphan = digestOf("orphan");
        Digest young = digestOf("young");
        Instant first = Instant.parse("2026-12-01T10:00:00Z");

        assertThat(gc.unrecorded(List.of(recorded, orphan))).containsExactly(orphan);
        assertThat(gc.noteOrphans(List.of(orphan), first, first.minusSeconds(3600))).isEmpty();
        Instant later = first.plusSeconds(7200);
        assertThat(gc.noteOrphans(List.of(orphan, young), later, later.minusSeconds(3600))).containsExactly(orphan);

        assertThat(gc.condemnOrphan(orphan, 6)).isTrue();
        assertThat(gc.condemnOrphan(recorded, 1)).isFalse();
        assertThat(gc.pendingDeletions(10)).extracting(GarbageCollectionStore.Condemned::reason)
                .containsExactly(GarbageCollectionStore.ORPHAN_REASON);
        assertThat(gc.unrecorded(List.of(orphan))).isEmpty();
        gc.forgetOrphansNotSeenSince(later.plusSeconds(1));
        assertThat(gc.noteOrphans(List.of(young), later.plusSeconds(10), later)).isEmpty();
    }

    @Test
    void oneLeaseHolderAtATimeUntilItExpires() {
        Instant now = Instant.parse("2026-12-01T10:00:00Z");

        assertThat(gc.tryLease("node-a", now, Duration.ofMinutes(1))).isTrue();
        assertThat(gc.tryLease("node-b", now.plusSeconds(30), Duration.ofMinutes(1))).isFalse();
        assertThat(gc.tryLease("node-a", now.plusSeconds(30), Duration.ofMinutes(1))).isTrue();
        assertThat(gc.tryLease("node-b", now.plusSeconds(120), Duration.ofMinutes(1))).isTrue();
        gc.releaseLease("node-b");
        assertThat(gc.tryLease("node-a", now.plusSeconds(121), Duration.ofMinutes(1))).isTrue();
    }

    @Test
    void queueStatusAndTheLastRun() {
        linked(APP, "queued", 1);
        GarbageCollectionStore.Run run = new GarbageCollectionStore.Run(Instant.parse("2026-12-01T10:00:00Z"),
                Instant.parse("2026-12-01T10:00:02Z"), "system", false, 3, 2, 200, 1, 1, 50, Optional.empty());

        gc.recordRun(run);

        assertThat(gc.queueStatus().blobs()).isEqualTo(1);
        assertThat(gc.queueStatus().oldest()).isPresent();
        assertThat(gc.lastRun()).hasValue(run);
    }

    // --- test data

    private Digest linked(RepositoryName repository, String name, long size) {
        Digest digest = digestOf(name);
        ports.blobs().recordBlob(digest, size);
        ports.blobs().link(repository, digest);
        return digest;
    }

    private StoredManifest image(RepositoryName repository, String name) {
        return manifest(name, List.of(linked(repository, name + " config", 2), linked(repository, name + " layer", 9)),
                List.of(), null);
    }

    private static StoredManifest manifest(String name, List<Digest> blobs, List<Digest> children, Digest subject) {
        byte[] payload = ("{\"manifest\":\"" + name + "\"}").getBytes(UTF_8);
        return new StoredManifest(Digest.of(DigestAlgorithm.SHA256, payload),
                children.isEmpty() ? MediaType.OCI_MANIFEST_V1 : MediaType.OCI_INDEX_V1, payload, null, subject,
                Map.of(), blobs, children, Instant.parse("2026-12-01T09:00:00Z"));
    }

    private static Digest digestOf(String content) {
        return Digest.of(DigestAlgorithm.SHA256, content.getBytes(UTF_8));
    }

    private List<Digest> dueManifests() {
        return gc.dueManifests(DUE, Optional.empty(), 100).stream().map(QueuedManifest::digest).toList();
    }

    private void drainBlobQueue() {
        gc.dueBlobs(DUE, Optional.empty(), 1000).forEach(d -> gc.reviewBlob(d, DUE, false));
    }

    private void drainManifestQueue() {
        gc.dueManifests(DUE, Optional.empty(), 1000).forEach(m -> gc.reviewManifest(m, DUE, true, false));
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
