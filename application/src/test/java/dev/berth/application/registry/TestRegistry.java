package dev.berth.application.registry;

import dev.berth.application.access.RecordActivity;
import dev.berth.application.browse.BrowseRepositories;
import dev.berth.application.browse.DeleteImages;
import dev.berth.application.browse.DescribeManifest;
import dev.berth.application.browse.ListTagDetails;
import dev.berth.application.browse.ListUntaggedManifests;
import dev.berth.application.browse.PreviewDeletion;
import dev.berth.application.browse.SuggestPullTag;
import dev.berth.application.browse.ShowRegistryStatistics;
import dev.berth.application.event.ActivityCounter;
import dev.berth.application.event.EventSource;
import dev.berth.application.event.RegistryEvents;
import dev.berth.application.retention.ApplyRetention;
import dev.berth.application.retention.PlanRetention;
import dev.berth.application.retention.TagPulls;
import dev.berth.application.usage.QuotaGuard;
import dev.berth.application.fake.InMemoryBlobs;
import dev.berth.application.fake.InMemoryMaintenance;
import dev.berth.application.maintenance.ImmutableTags;
import dev.berth.application.maintenance.MaintenanceMode;
import dev.berth.application.maintenance.MaintenanceSettings;
import dev.berth.application.fake.InMemoryMetadata;
import dev.berth.application.fake.InMemorySigningKeys;
import dev.berth.application.fake.InMemoryUsers;
import dev.berth.application.fake.MutableClock;
import dev.berth.application.fake.RecordingOutbox;
import dev.berth.application.gc.CollectGarbage;
import dev.berth.application.gc.GarbageCollectionSettings;
import dev.berth.application.port.BlobFetchTurns;
import dev.berth.domain.Digest;
import dev.berth.domain.DigestAlgorithm;
import dev.berth.domain.RepositoryName;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.function.BooleanSupplier;

/** Every registry use case wired to in-memory ports and a fixed clock, as the composition root would. */
final class TestRegistry {

    /** Stands still unless a test moves it. */
    final MutableClock clock = new MutableClock(Instant.parse("2026-11-27T10:00:00Z"));
    final InMemoryMetadata metadata = new InMemoryMetadata(clock);
    final InMemoryBlobs blobs = new InMemoryBlobs(clock);
    /** Read-only switch, immutable tag rules and scheduled runs. */
    final InMemoryMaintenance maintenance = new InMemoryMaintenance();
    final RegistrySettings settings;
    final RecordingOutbox outbox = new RecordingOutbox();
    /** The audit log. */
    final InMemoryUsers users = new InMemoryUsers();
    /** One per JVM in production: shared by every use case here. */
    final ActivityCounter activity = new ActivityCounter(metadata, clock);
    /** One per JVM in production, like the activity counter. */
    final TagPulls tagPulls = new TagPulls(metadata, clock);
    /** The token and schema 1 signing keys. */
    final InMemorySigningKeys signingKeys = new InMemorySigningKeys();
    /** One per JVM in production. */
    final SchemaOneSigningKey schemaOneKey = new SchemaOneSigningKey(signingKeys, clock);

    TestRegistry(boolean deleteEnabled, int maxPageSize, boolean redirectBlobs) {
        this(new RegistrySettings(deleteEnabled, 64 * 1024, maxPageSize, redirectBlobs));
    }

    TestRegistry(RegistrySettings settings) {
        this.settings = settings;
    }

    TestRegistry(boolean deleteEnabled, int maxPageSize) {
        this(deleteEnabled, maxPageSize, true);
    }

    TestRegistry() {
        this(true, 100);
    }

    /** A writer with its own hash-state cache: a second writer behaves like another node or a restart. */
    UploadWriter writer(UploadHashStates states) {
        return new UploadWriter(metadata, blobs, states, locks, clock, mode());
    }

    final UploadLocks locks = new UploadLocks(metadata, clock);
    final UploadHashStates states = new UploadHashStates();
    final UploadWriter writer = writer(states);

    RegistryEvents events() {
        return new RegistryEvents(outbox, metadata, new EventSource("node-1:5000", "instance-1"), clock, activity);
    }

    StartBlobUpload start() {
        return new StartBlobUpload(metadata, metadata, metadata, clock, mode(), quotas());
    }

    AppendBlobChunk append(UploadWriter w) {
        return new AppendBlobChunk(w);
    }

    CompleteBlobUpload complete(UploadWriter w) {
        return new CompleteBlobUpload(w, blobs, metadata, metadata, events(), metadata, quotas());
    }

    MaintenanceMode mode() {
        return new MaintenanceMode(maintenance, MaintenanceSettings.DEFAULTS);
    }

    ImmutableTags immutableTags() {
        return new ImmutableTags(maintenance, metadata);
    }

    QuotaGuard quotas() {
        return new QuotaGuard(metadata);
    }

    RepositoryGuard guard() {
        return new RepositoryGuard(metadata, settings);
    }

    GetBlob getBlob() {
        return new GetBlob(metadata, blobs, guard(), settings, events());
    }

    MountBlob mount() {
        return new MountBlob(metadata, metadata, metadata, events(), mode(), quotas());
    }

    DeleteBlob deleteBlob() {
        return new DeleteBlob(metadata, guard(), metadata, events(), mode());
    }

    PutManifest putManifest() {
        return new PutManifest(metadata, metadata, metadata, metadata, metadata, settings, clock, events(), mode(),
                immutableTags(), quotas());
    }

    GetManifest getManifest() {
        return new GetManifest(metadata, guard(), events(), tagPulls, settings, new SchemaOneForOldClients(blobs,
                metadata, schemaOneKey, clock, start(), complete(writer)));
    }

    PullThroughBlob pullThroughBlob(PullThroughCache cache) {
        return pullThroughBlob(cache, BlobFetchTurns.singleNode());
    }

    /** A node of several: its own cache (tag checks, fetches in flight), this registry's metadata and storage, the nodes' {@code turns}. */
    PullThroughBlob pullThroughBlob(PullThroughCache cache, BlobFetchTurns turns) {
        return new PullThroughBlob(cache, metadata, blobs, events(), mode(), metadata, turns);
    }

    PullThroughManifest pullThroughManifest(PullThroughCache cache) {
        return new PullThroughManifest(cache, pullThroughBlob(cache), metadata, metadata, metadata, metadata, metadata,
                settings, mode(), events(), clock);
    }

    DeleteManifest deleteManifest() {
        return new DeleteManifest(metadata, metadata, guard(), metadata, events(), mode(), immutableTags());
    }

    EvictPullThroughCache evictPullThroughCache(PullThroughCache cache) {
        return new EvictPullThroughCache(cache, metadata, metadata, events(), mode(), metadata);
    }

    PullThroughTags pullThroughTags(PullThroughCache cache) {
        return new PullThroughTags(cache, listTags(), metadata, clock);
    }

    ListTags listTags() {
        return new ListTags(metadata, guard());
    }

    ListRepositories listRepositories() {
        return new ListRepositories(metadata);
    }

    ListReferrers listReferrers() {
        return new ListReferrers(metadata);
    }

    BrowseRepositories browseRepositories() {
        return new BrowseRepositories(metadata);
    }

    ListTagDetails listTagDetails() {
        return new ListTagDetails(metadata);
    }

    SuggestPullTag suggestPullTag() {
        return new SuggestPullTag(listTagDetails());
    }

    ListUntaggedManifests listUntaggedManifests() {
        return new ListUntaggedManifests(metadata);
    }

    DescribeManifest describeManifest() {
        return new DescribeManifest(metadata, metadata, metadata, blobs);
    }

    PreviewDeletion previewDeletion() {
        return new PreviewDeletion(metadata, metadata, metadata, metadata);
    }

    DeleteImages deleteImages() {
        return new DeleteImages(deleteManifest(), metadata, guard(), metadata, events(),
                new RecordActivity(users, clock), mode(), immutableTags());
    }

    PlanRetention planRetention() {
        return new PlanRetention(metadata, metadata, metadata, immutableTags(), clock);
    }

    ApplyRetention applyRetention() {
        return new ApplyRetention(planRetention(), metadata, metadata, metadata, deleteImages(), guard(), mode(),
                metadata, users, clock);
    }

    ShowRegistryStatistics showStatistics() {
        return new ShowRegistryStatistics(metadata, activity);
    }

    CollectGarbage collectGarbage(GarbageCollectionSettings settings, BooleanSupplier readOnly) {
        return new CollectGarbage(metadata, blobs, users, settings, readOnly, clock, "node-1", run -> { });
    }

    /** @param rest told of each pause of a paced run, in nanoseconds, instead of sleeping */
    CollectGarbage collectGarbage(GarbageCollectionSettings settings, java.util.function.LongConsumer rest) {
        return new CollectGarbage(metadata, blobs, users, settings, () -> false, clock, "node-1", run -> { }, rest);
    }

    /** Uploads {@code content} in one go and returns its digest. */
    Digest push(RepositoryName repository, byte[] content) {
        var session = start().start(repository, "");
        Digest digest = Digest.of(DigestAlgorithm.SHA256, content);
        complete(writer).complete(repository, session.id(), "", digest, OptionalLong.empty(),
                OptionalLong.of(content.length), new ByteArrayInputStream(content));
        return digest;
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
