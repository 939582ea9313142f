package dev.berth.application.contract;

import dev.berth.application.port.BlobLinkStore;
import dev.berth.application.port.ManifestStore;
import dev.berth.application.port.RetentionStore;
import dev.berth.application.port.RetentionStore.TagRef;
import dev.berth.application.port.StoredManifest;
import dev.berth.application.port.TagStore;
import dev.berth.application.port.Transactions;
import dev.berth.application.retention.RetainedTag;
import dev.berth.application.retention.RetentionPolicy;
import dev.berth.domain.Digest;
import dev.berth.domain.DigestAlgorithm;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.Tag;
import dev.berth.domain.access.RepositoryPattern;
import dev.berth.domain.manifest.MediaType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Retention policies, tag times and the scheduled run's claim, whatever stores them. */
public abstract class RetentionStoreContract {

    private static final RepositoryName APP = new RepositoryName("team/app");
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

    protected BlobLinkStore blobs;
    protected ManifestStore manifests;
    protected TagStore tags;
    protected Transactions transactions;
    protected RetentionStore retention;

    protected abstract RetentionPorts emptyStore();

    @BeforeEach
    void openEmptyStore() {
        RetentionPorts ports = emptyStore();
        blobs = ports.blobs();
        manifests = ports.manifests();
        tags = ports.tags();
        transactions = ports.transactions();
        retention = ports.retention();
    }

    @Test
    void policiesAreAddedListedInOrderAndRemoved() {
        RetentionPolicy first = retention.add(policy("team/*", OptionalInt.of(10), Optional.of("v[0-9]+"),
                OptionalInt.empty()), T0);
        RetentionPolicy second = retention.add(policy("other/app", OptionalInt.empty(), Optional.empty(),
                OptionalInt.of(30)), T0);

        assertThat(retention.policies()).containsExactly(first, second);
        assertThat(first.id()).isNotEqualTo(second.id());
        assertThat(first.keepLast()).hasValue(10);
        assertThat(first.keepMatching()).hasValue("v[0-9]+");
        assertThat(second.keepPulledDays()).hasValue(30);
        assertThatThrownBy(() -> retention.add(policy("team/*", OptionalInt.of(1), Optional.empty(),
                OptionalInt.empty()), T0)).isInstanceOf(IllegalArgumentException.class);

        assertThat(retention.remove(first.id())).isTrue();
        assertThat(retention.remove(first.id())).isFalse();
        assertThat(retention.policies()).containsExactly(second);
    }

    @Test
    void tagsComeWithPushAndPullTimes() {
        StoredManifest image = image("one");
        tags.tag(APP, new Tag("old"), image.digest());
        tags.tag(APP, new Tag("new"), image.digest());
        Instant pulled = Instant.parse("2026-03-02T10:00:00Z");

        retention.pulled(Map.of(new TagRef(APP, new Tag("old")), pulled,
                new TagRef(APP, new Tag("gone")), pulled));
        retention.pulled(Map.of(new TagRef(APP, new Tag("old")), pulled.minusSeconds(60)));

        List<RetainedTag> listed = retention.tags(APP);
        assertThat(listed).extracting(t -> t.tag().value()).containsExactly("new", "old");
        assertThat(listed.get(1).pulledAt()).as("the later pull wins").hasValue(pulled);
        assertThat(listed.get(0).pulledAt()).isEmpty();
        assertThat(listed.get(0).pushedAt()).isAfter(listed.get(1).pushedAt());
        assertThat(listed).allSatisfy(t -> assertThat(t.digest()).isEqualTo(image.digest()));
        assertThat(retention.tags(new RepositoryName("none/such"))).isEmpty();
    }

    @Test
    void aTagIsLockedOnlyWhereItStillPoints() {
        StoredManifest one = image("one");
        StoredManifest two = image("two");
        tags.tag(APP, new Tag("latest"), one.digest());

        assertThat(transactions.inTransaction(() -> retention.lockTag(APP, new Tag("latest"), one.digest()))).isTrue();
        tags.tag(APP, new Tag("latest"), two.digest());
        assertThat(transactions.inTransaction(() -> retention.lockTag(APP, new Tag("latest"), one.digest()))).isFalse();
        assertThat(transactions.inTransaction(() -> retention.lockTag(APP, new Tag("none"), one.digest()))).isFalse();
        assertThat(transactions.inTransaction(() -> retention.lockManifest(APP, one.digest()))).isTrue();
        manifests.delete(APP, one.digest());
        assertThat(transactions.inTransaction(() -> retention.lockManifest(APP, one.digest()))).isFalse();
    }

    @Test
    void oneClaimOfTheScheduledRunPerInterval() {
        Duration day = Duration.ofDays(1);
        assertThat(retention.claimRun(T0, day)).isTrue();
        assertThat(retention.claimRun(T0.plusSeconds(3600), day)).isFalse();
        assertThat(retention.claimRun(T0.plus(day), day)).isTrue();
        assertThat(retention.claimRun(T0.plus(day), day)).isFalse();
    }

    private static RetentionPolicy policy(String pattern, OptionalInt keepLast, Optional<String> keepMatching,
                                          OptionalInt keepPulledDays) {
        return new RetentionPolicy(0, new RepositoryPattern(pattern), keepLast, keepMatching, keepPulledDays);
    }

    private StoredManifest image(String name) {
        Digest config = Digest.of(DigestAlgorithm.SHA256, (name + " config").getBytes(UTF_8));
        blobs.recordBlob(config, 5);
        blobs.link(APP, config);
        byte[] payload = ("{\"image\":\"" + name + "\"}").getBytes(UTF_8);
        StoredManifest manifest = new StoredManifest(Digest.of(DigestAlgorithm.SHA256, payload),
                MediaType.DOCKER_MANIFEST_V2, payload, null, null, Map.of(), List.of(config), List.of(), T0);
        manifests.put(APP, manifest);
        return manifest;
    }
}
