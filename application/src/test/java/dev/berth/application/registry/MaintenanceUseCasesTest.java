package dev.berth.application.registry;

import dev.berth.application.access.Administration;
import dev.berth.application.maintenance.AddImmutableTagRule;
import dev.berth.application.maintenance.ListImmutableTagRules;
import dev.berth.application.maintenance.MaintenanceMode;
import dev.berth.application.maintenance.MaintenanceSettings;
import dev.berth.application.maintenance.PurgeAbandonedUploads;
import dev.berth.application.maintenance.RemoveImmutableTagRule;
import dev.berth.application.maintenance.SetReadOnly;
import dev.berth.application.port.BlobStore;
import dev.berth.application.port.UploadSession;
import dev.berth.domain.Digest;
import dev.berth.domain.Reference;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.Tag;
import dev.berth.domain.UploadId;
import dev.berth.domain.access.Caller;
import dev.berth.domain.access.ImmutableTagRule;
import dev.berth.domain.access.RepositoryPattern;
import dev.berth.domain.access.User;
import dev.berth.domain.error.BlobUploadUnknownException;
import dev.berth.domain.error.DeniedException;
import dev.berth.domain.error.RegistryException;
import dev.berth.domain.error.UnsupportedException;
import dev.berth.domain.manifest.MediaType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Stream;

import static dev.berth.application.registry.TestRegistry.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Read-only mode, immutable tags and upload purging, against in-memory ports. */
class MaintenanceUseCasesTest {

    private final TestRegistry registry = new TestRegistry();
    private final RepositoryName repo = RepositoryName.parse("team/app");
    private final Caller admin = Administration.SYSTEM;
    private final Caller user = new Caller(Optional.of(new User("dev", true, false)), List.of(), Optional.empty());

    private String image(String seed) {
        byte[] config = bytes("{\"os\":\"linux\",\"seed\":\"" + seed + "\"}");
        byte[] layer = bytes("layer-" + seed);
        Digest configDigest = registry.push(repo, config);
        Digest layerDigest = registry.push(repo, layer);
        return "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + configDigest
                + "\",\"size\":" + config.length + "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\","
                + "\"digest\":\"" + layerDigest + "\",\"size\":" + layer.length + "}]}";
    }

    private Digest put(String reference, String json) {
        return registry.putManifest().put(repo, Reference.parse(reference), MediaType.OCI_MANIFEST_V1, bytes(json)).digest();
    }

    private SetReadOnly setReadOnly(MaintenanceSettings settings) {
        return new SetReadOnly(registry.maintenance, settings, registry.users, registry.clock);
    }

    private static void assertReadOnly(Executable write) {
        assertThatThrownBy(write::execute).isInstanceOfSatisfying(UnsupportedException.class, e -> {
            assertThat(e.code()).isEqualTo("UNSUPPORTED");
            assertThat(e.getMessage()).isEqualTo("registry is in read-only mode");
        });
    }

    // --- read-only mode

    @Test
    void readOnlyRefusesEveryWriteAndServesEveryRead() throws Exception {
        Digest manifest = put("v1", image("a"));
        Digest blob = registry.push(repo, bytes("a blob"));
        UploadSession open = registry.start().start(repo, "");
        setReadOnly(MaintenanceSettings.DEFAULTS).set(admin, "127.0.0.1", true);

        assertReadOnly(() -> registry.start().start(repo, ""));
        assertReadOnly(() -> registry.append(registry.writer).append(repo, open.id(), "", OptionalLong.empty(),
                OptionalLong.empty(), new ByteArrayInputStream(bytes("x"))));
        assertReadOnly(() -> registry.complete(registry.writer).complete(repo, open.id(), "", blob,
                OptionalLong.empty(), OptionalLong.of(0), new ByteArrayInputStream(new byte[0])));
        assertReadOnly(() -> new CancelBlobUpload(registry.writer).cancel(repo, open.id(), ""));
        assertReadOnly(() -> registry.mount().mount(RepositoryName.parse("team/other"), blob, Optional.of(repo)));
        assertReadOnly(() -> put("v2", image("b")));
        assertReadOnly(() -> registry.deleteManifest().delete(repo, Tag.parse("v1")));
        assertReadOnly(() -> registry.deleteManifest().delete(repo, manifest));
        assertReadOnly(() -> registry.deleteBlob().delete(repo, blob));
        assertReadOnly(() -> registry.deleteImages().tag(admin, "127.0.0.1", repo, Tag.parse("v1")));
        assertReadOnly(() -> registry.deleteImages().repository(admin, "127.0.0.1", repo));

        assertThat(registry.getManifest().get(repo, Tag.parse("v1"), Set.of()).digest()).isEqualTo(manifest);
        assertThat(registry.getBlob().find(repo, blob).size()).isEqualTo(6);
        assertThat(new GetUploadStatus(registry.writer).status(repo, open.id(), "").offset()).isZero();
        assertThat(registry.listTags().list(repo, new PageRequest(Optional.empty(), 10)).items()).containsExactly(Tag.parse("v1"));

        setReadOnly(MaintenanceSettings.DEFAULTS).set(admin, "127.0.0.1", false);
        assertThat(put("v2", image("b"))).isNotNull();
        assertThat(registry.users.events).extracting(e -> e.action())
                .containsSubsequence("enable-read-only", "disable-read-only");
    }

    @Test
    void configurationForcesReadOnlyAndTheSwitchCannotLiftIt() {
        MaintenanceSettings forced = new MaintenanceSettings(true, true, Duration.ofHours(168), Duration.ofHours(24), false);
        MaintenanceMode mode = new MaintenanceMode(registry.maintenance, forced);
        assertThat(mode.readOnly()).isTrue();
        assertThat(mode.forcedByConfiguration()).isTrue();
        assertThatThrownBy(mode::requireWritable).isInstanceOf(UnsupportedException.class);
        assertThatThrownBy(() -> setReadOnly(forced).set(admin, "127.0.0.1", false))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("storage.maintenance.readonly.enabled");
        assertThat(mode.readOnly()).isTrue();
    }

    @Test
    void onlyAdminsSwitchReadOnly() {
        assertThatThrownBy(() -> setReadOnly(MaintenanceSettings.DEFAULTS).set(user, "127.0.0.1", true))
                .isInstanceOf(DeniedException.class);
        assertThat(registry.mode().readOnly()).isFalse();
    }

    // --- immutable tags

    private void protect(String repositories, String tags) {
        new AddImmutableTagRule(registry.maintenance, registry.users, registry.clock)
                .add(admin, "127.0.0.1", new ImmutableTagRule(new RepositoryPattern(repositories), tags));
    }

    @Test
    void anImmutableTagDoesNotMoveButTakesItsFirstPushAndTheSameDigestAgain() {
        protect("team/*", "v*");
        String first = image("a");
        Digest v1 = put("v1", first);
        assertThat(put("v1", first)).as("the same digest again").isEqualTo(v1);

        String second = image("b");
        assertThatThrownBy(() -> put("v1", second)).isInstanceOfSatisfying(DeniedException.class, e -> {
            assertThat(e.code()).isEqualTo("DENIED");
            assertThat(e.getMessage()).isEqualTo("tag team/app:v1 is immutable (rule team/*:v*): it stays at " + v1);
        });
        assertThat(registry.getManifest().get(repo, Tag.parse("v1"), Set.of()).digest()).isEqualTo(v1);

        Digest latest = put("latest", second);
        assertThat(put("latest", first)).as("tags outside the rule move").isEqualTo(v1);
        assertThat(latest).isNotEqualTo(v1);
    }

    @Test
    void anImmutableTagIsNotDeletedByTagByDigestOrWithItsRepository() {
        protect("team/app", "v1");
        Digest v1 = put("v1", image("a"));
        put("latest", image("b"));

        for (Executable delete : List.<Executable>of(
                () -> registry.deleteManifest().delete(repo, Tag.parse("v1")),
                () -> registry.deleteManifest().delete(repo, v1),
                () -> registry.deleteImages().tag(admin, "127.0.0.1", repo, Tag.parse("v1")),
                () -> registry.deleteImages().manifest(admin, "127.0.0.1", repo, v1),
                () -> registry.deleteImages().repository(admin, "127.0.0.1", repo))) {
            assertThatThrownBy(delete::execute).isInstanceOfSatisfying(DeniedException.class, e ->
                    assertThat(e.getMessage()).isEqualTo("tag team/app:v1 is immutable (rule team/app:v1): it cannot be deleted"));
        }
        assertThat(registry.getManifest().get(repo, Tag.parse("v1"), Set.of()).digest()).isEqualTo(v1);

        registry.deleteManifest().delete(repo, Tag.parse("latest"));
        new RemoveImmutableTagRule(registry.maintenance, registry.users, registry.clock)
                .remove(admin, "127.0.0.1", new ImmutableTagRule(new RepositoryPattern("team/app"), "v1"));
        registry.deleteManifest().delete(repo, Tag.parse("v1"));
        assertThat(registry.listTags().list(repo, new PageRequest(Optional.empty(), 10)).items()).isEmpty();
    }

    @Test
    void rulesAreForAdminsAndListedOnce() {
        AddImmutableTagRule add = new AddImmutableTagRule(registry.maintenance, registry.users, registry.clock);
        ImmutableTagRule rule = new ImmutableTagRule(new RepositoryPattern("*"), "release-*");
        assertThat(add.add(admin, "127.0.0.1", rule)).isTrue();
        assertThat(add.add(admin, "127.0.0.1", rule)).isFalse();
        assertThatThrownBy(() -> add.add(user, "127.0.0.1", rule)).isInstanceOf(DeniedException.class);
        assertThat(new ListImmutableTagRules(registry.maintenance).list(admin)).containsExactly(rule);
        assertThatThrownBy(() -> new ImmutableTagRule(RepositoryPattern.ALL, "v1/x"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // --- upload purging

    private static final Duration AGE = Duration.ofHours(168);

    private PurgeAbandonedUploads purger(MaintenanceSettings settings) {
        return new PurgeAbandonedUploads(registry.metadata, registry.blobs, registry.maintenance,
                new MaintenanceMode(registry.maintenance, settings), settings, registry.clock);
    }

    private static MaintenanceSettings purging(boolean dryRun) {
        return new MaintenanceSettings(false, true, AGE, Duration.ofHours(24), dryRun);
    }

    private UploadSession startWith(String content) {
        UploadSession session = registry.start().start(repo, "");
        return registry.append(registry.writer).append(repo, session.id(), "", OptionalLong.empty(), OptionalLong.empty(),
                new ByteArrayInputStream(bytes(content)));
    }

    private List<UploadId> storedUploads() throws IOException {
        try (Stream<BlobStore.StoredUpload> uploads = registry.blobs.listUploads()) {
            return uploads.map(BlobStore.StoredUpload::upload).toList();
        }
    }

    @Test
    void abandonedUploadsGoWithTheirBytesWhileFreshOnesStay() throws IOException {
        UploadSession abandoned = startWith("12345");
        UploadSession emptyAbandoned = registry.start().start(repo, "");
        UploadId orphan = UploadId.random();
        registry.blobs.writeUpload(orphan, 0, new ByteArrayInputStream(bytes("orphan")));
        registry.clock.advance(AGE.plusMinutes(1));
        UploadSession fresh = startWith("fresh");

        assertThat(purger(purging(false)).purgeIfDue()).contains(new PurgeAbandonedUploads.Purged(3, 11, false));

        assertThat(storedUploads()).containsExactly(fresh.id());
        for (UploadSession gone : List.of(abandoned, emptyAbandoned)) {
            assertThatThrownBy(() -> registry.append(registry.writer).append(repo, gone.id(), "", OptionalLong.empty(),
                    OptionalLong.empty(), new ByteArrayInputStream(bytes("late"))))
                    .isInstanceOf(BlobUploadUnknownException.class)
                    .extracting(e -> ((RegistryException) e).code()).isEqualTo("BLOB_UPLOAD_UNKNOWN");
        }
        assertThat(registry.append(registry.writer).append(repo, fresh.id(), "", OptionalLong.empty(),
                OptionalLong.empty(), new ByteArrayInputStream(bytes("!"))).offset()).isEqualTo(6);
    }

    @Test
    void aDryRunReportsWhatWouldGoAndRemovesNothing() throws IOException {
        UploadSession abandoned = startWith("12345");
        registry.clock.advance(AGE.plusSeconds(1));

        assertThat(purger(purging(true)).purgeIfDue()).contains(new PurgeAbandonedUploads.Purged(1, 5, true));
        assertThat(storedUploads()).containsExactly(abandoned.id());
        assertThat(new GetUploadStatus(registry.writer).status(repo, abandoned.id(), "").offset()).isEqualTo(5);
    }

    @Test
    void oneRunPerIntervalAcrossNodesAndNoneWhenDisabledOrReadOnly() {
        startWith("12345");
        registry.clock.advance(AGE.plusSeconds(1));
        assertThat(purger(new MaintenanceSettings(false, false, AGE, Duration.ofHours(24), false)).purgeIfDue())
                .as("disabled").isEmpty();
        registry.maintenance.setReadOnly(true);
        assertThat(purger(purging(false)).purgeIfDue()).as("read-only").isEmpty();
        assertThat(registry.metadata.updatedBefore(registry.clock.instant(), Optional.empty(), 10)).hasSize(1);
        registry.maintenance.setReadOnly(false);

        assertThat(purger(purging(false)).purgeIfDue()).isPresent();
        assertThat(purger(purging(false)).purgeIfDue()).as("another node, same interval").isEmpty();
        registry.clock.advance(Duration.ofHours(24));
        assertThat(purger(purging(false)).purgeIfDue()).contains(new PurgeAbandonedUploads.Purged(0, 0, false));
    }
}
