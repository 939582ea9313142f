package dev.berth.application.registry;

import dev.berth.application.gc.CollectGarbage;
import dev.berth.application.gc.GarbageCollectionProgress;
import dev.berth.application.gc.GarbageCollectionSettings;
import dev.berth.application.port.AuditLog;
import dev.berth.application.port.BlobStore;
import dev.berth.application.port.GarbageCollectionStore.Run;
import dev.berth.domain.Digest;
import dev.berth.domain.DigestAlgorithm;
import dev.berth.domain.Reference;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.access.Caller;
import dev.berth.domain.access.User;
import dev.berth.domain.error.BlobUnknownException;
import dev.berth.domain.error.DeniedException;
import dev.berth.domain.error.ManifestBlobUnknownException;
import dev.berth.domain.manifest.MediaType;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import static dev.berth.application.registry.TestRegistry.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** CollectGarbage over the in-memory fakes: what it frees, what it keeps, and the races it must survive. */
class GarbageCollectionUseCasesTest {

    private static final Duration DAY = Duration.ofHours(24);
    private final TestRegistry registry = new TestRegistry();
    private final RepositoryName repo = new RepositoryName("team/app");
    private final GarbageCollectionSettings settings = new GarbageCollectionSettings(true, Duration.ofMinutes(5), DAY,
            false, Duration.ofHours(1));
    private final Caller admin = new Caller(Optional.of(new User("root", true, true)), List.of(), Optional.empty());
    private boolean readOnly;
    private final CollectGarbage collect = registry.collectGarbage(settings, () -> readOnly);

    @Test
    void aDeletedImagesOwnBlobsGoAfterTheDelayAndSharedOnesStay() {
        Digest shared = registry.push(repo, bytes("shared base layer"));
        Digest kept = put("v1", image("kept", shared));
        Digest deleted = put("v2", image("deleted", shared));
        registry.deleteManifest().delete(repo, deleted);

        assertThat(collect.collect("system", false, false).orElseThrow().blobsFreed()).as("within the delay").isZero();
        registry.clock.advance(DAY.plusSeconds(1));
        Run run = collect.collect("system", false, false).orElseThrow();

        assertThat(run.blobsFreed()).isEqualTo(2);
        assertThat(run.bytesFreed()).isEqualTo(bytes("{\"seed\":\"deleted\"}").length + bytes("layer deleted").length);
        assertThat(registry.blobs.stores(digest("layer deleted"))).isFalse();
        assertThat(registry.blobs.stores(digest("{\"seed\":\"deleted\"}"))).isFalse();
        assertThat(registry.blobs.stores(shared)).isTrue();
        assertThat(registry.getBlob().find(repo, digest("layer kept")).size()).isEqualTo(bytes("layer kept").length);
        assertThat(registry.getManifest().get(repo, kept, java.util.Set.of()).payload()).isNotEmpty();
        assertThat(registry.users.events).filteredOn(e -> e.action().equals("gc-delete"))
                .extracting(AuditLog.Event::target)
                .containsExactlyInAnyOrder(digest("layer deleted").toString(), digest("{\"seed\":\"deleted\"}").toString());
        assertThat(registry.users.events).filteredOn(e -> e.action().equals("gc-delete"))
                .allSatisfy(e -> assertThat(e.detail()).contains("manifest deleted").contains("bytes freed"));
    }

    @Test
    void theWorkerRestsAfterEachBatchAsLongAsItTookAndTheCommandNever() {
        List<Long> rests = new java.util.ArrayList<>();
        CollectGarbage paced = registry.collectGarbage(settings, rests::add);
        for (int i = 0; i < 1_100; i++) {
            registry.push(repo, bytes("abandoned upload " + i));
        }
        registry.clock.advance(DAY.plusSeconds(1));

        Run background = paced.collectInBackground(false).orElseThrow();

        assertThat(background.blobsFreed()).isEqualTo(1_100);
        // three batches of reviews (500, 500, 100), then three of deletions; the sweep finds storage empty
        assertThat(rests).hasSize(6).allSatisfy(nanos -> assertThat(nanos).isPositive());

        rests.clear();
        for (int i = 0; i < 600; i++) {
            registry.push(repo, bytes("abandoned again " + i));
        }
        registry.clock.advance(DAY.plusSeconds(1));
        assertThat(paced.collect("system", false, false).orElseThrow().blobsFreed()).isEqualTo(600);
        assertThat(rests).as("the gc command runs at full speed").isEmpty();
    }

    @Test
    void anUploadNoManifestReferencesIsFreedAfterTheDelay() {
        Digest abandoned = registry.push(repo, bytes("abandoned upload"));
        registry.clock.advance(DAY.plusSeconds(1));

        Run run = collect.collect("system", false, false).orElseThrow();

        assertThat(run.blobsFreed()).isEqualTo(1);
        assertThatThrownBy(() -> registry.getBlob().find(repo, abandoned)).isInstanceOf(BlobUnknownException.class);
        assertThat(registry.blobs.stores(abandoned)).isFalse();
    }

    @Test
    void aDryRunCountsAndDeletesNothing() {
        Digest abandoned = registry.push(repo, bytes("abandoned upload"));
        registry.clock.advance(DAY.plusSeconds(1));

        Run dry = collect.collect("system", true, false).orElseThrow();

        assertThat(dry.blobsFreed()).isEqualTo(1);
        assertThat(dry.bytesFreed()).isEqualTo(bytes("abandoned upload").length);
        assertThat(registry.blobs.stores(abandoned)).isTrue();
        assertThat(registry.getBlob().find(repo, abandoned).size()).isEqualTo(bytes("abandoned upload").length);
        assertThat(collect.collect("system", false, false).orElseThrow().blobsFreed()).isEqualTo(1);
    }

    @Test
    void nothingIsDeletedWhileTheRegistryIsReadOnly() {
        Digest abandoned = registry.push(repo, bytes("abandoned upload"));
        registry.clock.advance(DAY.plusSeconds(1));
        readOnly = true;

        Run run = collect.collect("system", false, false).orElseThrow();

        assertThat(run.skipped()).hasValue("the registry is read-only");
        assertThat(registry.blobs.stores(abandoned)).isTrue();
        readOnly = false;
        assertThat(collect.collect("system", false, false).orElseThrow().blobsFreed()).isEqualTo(1);
    }

    @Test
    void untaggedManifestsGoOnlyWhenAskedAndTheirLayersWithThem() {
        Digest first = put("latest", image("first", null));
        put("latest", image("second", null));
        registry.clock.advance(DAY.plusSeconds(1));

        assertThat(collect.collect("system", false, false).orElseThrow().manifestsFreed()).isZero();
        assertThat(registry.getManifest().get(repo, first, java.util.Set.of()).payload()).isNotEmpty();
        Run run = collect.collect("system", false, true).orElseThrow();
        assertThat(run.manifestsFreed()).isEqualTo(1);
        assertThat(run.blobsFreed()).as("its layers are queued now, due a delay later").isZero();
        registry.clock.advance(DAY.plusSeconds(1));
        assertThat(collect.collect("system", false, true).orElseThrow().blobsFreed()).isEqualTo(2);
        assertThat(registry.blobs.stores(digest("layer first"))).isFalse();
        assertThat(registry.blobs.stores(digest("layer second"))).isTrue();
    }

    @Test
    void anOrphanIsDeletedWhenStillUnrecordedAfterTheGracePeriod() {
        byte[] orphan = bytes("written to storage, never recorded");
        Digest digest = Digest.of(DigestAlgorithm.SHA256, orphan);
        registry.blobs.restore(digest, orphan);
        Digest recorded = registry.push(repo, bytes("recorded"));
        put("v1", image("referenced", recorded));

        assertThat(collect.collect("system", false, false).orElseThrow().orphansFreed()).as("first seen now").isZero();
        registry.clock.advance(Duration.ofMinutes(61));
        Run run = collect.collect("system", false, false).orElseThrow();

        assertThat(run.orphansFreed()).isEqualTo(1);
        assertThat(run.orphanBytes()).isEqualTo(orphan.length);
        assertThat(registry.blobs.stores(digest)).isFalse();
        assertThat(registry.blobs.stores(recorded)).isTrue();
    }

    @Test
    void anUploadCompletingOnBytesTheCollectorDeletesMeanwhileFailsCleanlyAndCanBeRetried() {
        byte[] content = bytes("content pushed twice");
        Digest digest = registry.push(repo, content);
        registry.clock.advance(DAY.plusSeconds(1));
        // the second push's commit finds the content stored and discards its own bytes; the collector
        // then deletes the row and the bytes before the push records the blob
        BlobStore racing = collectingAfterCommit(registry.blobs);
        CompleteBlobUpload complete = new CompleteBlobUpload(registry.writer, racing, registry.metadata,
                registry.metadata, registry.events(), registry.metadata, registry.quotas());
        var session = registry.start().start(repo, "");

        assertThatThrownBy(() -> complete.complete(repo, session.id(), "", digest, OptionalLong.empty(),
                OptionalLong.of(content.length), new ByteArrayInputStream(content)))
                .isInstanceOf(BlobUnknownException.class);
        assertThat(registry.blobs.stores(digest)).isFalse();
        assertThatThrownBy(() -> registry.getBlob().find(repo, digest)).isInstanceOf(BlobUnknownException.class);

        registry.push(repo, content);
        assertThat(registry.blobs.stores(digest)).isTrue();
        assertThat(registry.getBlob().find(repo, digest).size()).isEqualTo(content.length);
    }

    @Test
    void oneRunAtATimeAndOnlyAdministratorsRunItFromTheAdminUi() {
        registry.metadata.tryLease("node-2", registry.clock.instant(), Duration.ofMinutes(1));
        assertThat(collect.collect("system", false, false)).as("another node collects").isEmpty();
        registry.metadata.releaseLease("node-2");

        assertThatThrownBy(() -> collect.collectNow(Caller.anonymous(List.of()), new GarbageCollectionProgress()))
                .isInstanceOf(DeniedException.class);
        assertThat(collect.collectNow(admin, new GarbageCollectionProgress()).orElseThrow().startedBy()).isEqualTo("root");
    }

    @Test
    void theProgressOfARunNowEndsWithTheRunsNumbers() {
        byte[] abandoned = bytes("an upload nobody referenced");
        registry.push(repo, abandoned);
        registry.clock.advance(DAY.plusSeconds(1));
        GarbageCollectionProgress progress = new GarbageCollectionProgress();
        assertThat(progress.phase()).isEqualTo(GarbageCollectionProgress.Phase.STARTING);

        Run run = collect.collectNow(admin, progress).orElseThrow();

        assertThat(progress.phase()).isEqualTo(GarbageCollectionProgress.Phase.DONE);
        assertThat(run.blobsFreed()).isEqualTo(1);
        assertThat(progress.blobsFreed()).isEqualTo(run.blobsFreed());
        assertThat(progress.bytesFreed()).isEqualTo(run.bytesFreed()).isEqualTo(abandoned.length);
        assertThat(progress.reviewed()).isEqualTo(run.blobsReviewed());
    }

    @Test
    void aManifestPushedAfterItsLayerWasCollectedIsRefusedAsMissingContent() {
        Digest layer = registry.push(repo, bytes("layer late"));
        String manifest = image("late", layer);
        registry.clock.advance(DAY.plusSeconds(1));
        collect.collect("system", false, false).orElseThrow();

        assertThatThrownBy(() -> put("v1", manifest)).isInstanceOf(ManifestBlobUnknownException.class);
    }

    // --- helpers

    private BlobStore collectingAfterCommit(BlobStore blobs) {
        return (BlobStore) Proxy.newProxyInstance(BlobStore.class.getClassLoader(), new Class<?>[] {BlobStore.class},
                (proxy, method, args) -> {
                    Object result;
                    try {
                        result = method.invoke(blobs, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (method.getName().equals("commitUpload")) {
                        collect.collect("system", false, false).orElseThrow();
                    }
                    return result;
                });
    }

    private Digest put(String tag, String json) {
        return registry.putManifest().put(repo, Reference.parse(tag), MediaType.OCI_MANIFEST_V1, bytes(json)).digest();
    }

    /** An image of its own config and layer, plus {@code extraLayer} when given. */
    private String image(String seed, Digest extraLayer) {
        byte[] config = bytes("{\"seed\":\"" + seed + "\"}");
        byte[] layer = bytes("layer " + seed);
        Digest configDigest = registry.push(repo, config);
        Digest layerDigest = registry.push(repo, layer);
        String layers = descriptor("application/vnd.oci.image.layer.v1.tar+gzip", layerDigest, layer.length);
        if (extraLayer != null) {
            layers += "," + descriptor("application/vnd.oci.image.layer.v1.tar+gzip", extraLayer,
                    registry.getBlob().find(repo, extraLayer).size());
        }
        return "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":"
                + descriptor("application/vnd.oci.image.config.v1+json", configDigest, config.length)
                + ",\"layers\":[" + layers + "]}";
    }

    private static String descriptor(String mediaType, Digest digest, long size) {
        return "{\"mediaType\":\"" + mediaType + "\",\"digest\":\"" + digest + "\",\"size\":" + size + "}";
    }

    private static Digest digest(String content) {
        return Digest.of(DigestAlgorithm.SHA256, bytes(content));
    }
}
