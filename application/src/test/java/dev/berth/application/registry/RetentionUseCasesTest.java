package dev.berth.application.registry;

import dev.berth.application.access.Administration;
import dev.berth.application.event.EventAction;
import dev.berth.application.retention.ExpiredTag;
import dev.berth.application.retention.RetentionPolicy;
import dev.berth.application.retention.RunScheduledRetention;
import dev.berth.domain.Digest;
import dev.berth.domain.Reference;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.Tag;
import dev.berth.domain.access.ImmutableTagRule;
import dev.berth.domain.access.RepositoryPattern;
import dev.berth.domain.error.UnsupportedException;
import dev.berth.domain.manifest.MediaType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

import static dev.berth.application.registry.TestRegistry.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Retention policies: what the dry run lists is what the run deletes, through the API's deletion. */
class RetentionUseCasesTest {

    private final TestRegistry registry = new TestRegistry();
    private final RepositoryName app = RepositoryName.parse("team/app");
    private final RepositoryName other = RepositoryName.parse("other/app");

    /** Pushes an image of its own under {@code tag}, a minute after the previous push. */
    private Digest push(RepositoryName repository, String tag) {
        registry.clock.advance(Duration.ofMinutes(1));
        Digest config = registry.push(repository, bytes("{\"image\":\"" + repository + tag + "\"}"));
        String json = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + config
                + "\",\"size\":" + bytes("{\"image\":\"" + repository + tag + "\"}").length + "},\"layers\":[]}";
        return registry.putManifest().put(repository, Reference.parse(tag), MediaType.OCI_MANIFEST_V1, bytes(json))
                .digest();
    }

    private void policy(String pattern, OptionalInt keepLast, Optional<String> keepMatching, OptionalInt pulledDays) {
        registry.metadata.add(new RetentionPolicy(0, new RepositoryPattern(pattern), keepLast, keepMatching,
                pulledDays), Instant.EPOCH);
    }

    private List<String> tags(RepositoryName repository) {
        return registry.metadata.list(repository, Optional.empty(), 100).stream().map(Tag::value).toList();
    }

    @Test
    void theLastPushedTagsStayAndTheDryRunListsExactlyWhatTheRunDeletes() {
        List<Digest> digests = List.of(push(app, "v1"), push(app, "v2"), push(app, "v3"), push(app, "v4"));
        push(other, "v1");
        policy("team/*", OptionalInt.of(2), Optional.empty(), OptionalInt.empty());

        List<ExpiredTag> preview = registry.planRetention().plan();
        assertThat(preview).containsExactly(new ExpiredTag(app, new Tag("v1"), digests.get(0), true),
                new ExpiredTag(app, new Tag("v2"), digests.get(1), true));
        assertThat(tags(app)).as("a dry run deletes nothing").containsExactly("v1", "v2", "v3", "v4");

        List<ExpiredTag> deleted = registry.applyRetention().apply(Administration.SYSTEM, Administration.LOCAL);
        assertThat(deleted).isEqualTo(preview);
        assertThat(tags(app)).containsExactly("v3", "v4");
        assertThat(registry.metadata.exists(app, digests.get(0))).as("the manifest went with its tag").isFalse();
        assertThat(tags(other)).as("no policy covers other/*").containsExactly("v1");
        assertThat(registry.outbox.added).filteredOn(e -> e.action() == EventAction.DELETE).hasSize(4);
        assertThat(registry.users.events).extracting(e -> e.action() + " " + e.target())
                .contains("delete team/app:v1", "delete team/app@" + digests.get(0));
        assertThat(registry.users.events).extracting(e -> e.detail()).contains("2 tags and 2 manifests deleted");
        assertThat(registry.planRetention().plan()).as("nothing more to do").isEmpty();
    }

    @Test
    void tagsAnImmutableRuleProtectsStayAndTheDryRunStillListsExactlyWhatTheRunDeletes() {
        List<Digest> digests = List.of(push(app, "v1"), push(app, "v2"), push(app, "v3"));
        registry.maintenance.addImmutableTagRule(new ImmutableTagRule(new RepositoryPattern("team/*"), "v1"));
        policy("team/*", OptionalInt.of(1), Optional.empty(), OptionalInt.empty());

        List<ExpiredTag> preview = registry.planRetention().plan();
        assertThat(preview).containsExactly(new ExpiredTag(app, new Tag("v2"), digests.get(1), true));
        assertThat(registry.applyRetention().apply(Administration.SYSTEM, Administration.LOCAL)).isEqualTo(preview);
        assertThat(tags(app)).containsExactly("v1", "v3");
    }

    @Test
    void matchingAndRecentlyPulledTagsStay() {
        push(app, "release-1");
        push(app, "dev-1");
        Digest dev2 = push(app, "dev-2");
        push(app, "dev-3");
        registry.getManifest().pull(app, new Tag("dev-1"), Set.of());
        registry.tagPulls.flush();
        policy("team/app", OptionalInt.of(1), Optional.of("release-.*"), OptionalInt.of(7));

        assertThat(registry.planRetention().plan()).extracting(e -> e.tag().value()).containsExactly("dev-2");
        assertThat(registry.planRetention().plan().getFirst().digest()).isEqualTo(dev2);

        registry.clock.advance(Duration.ofDays(8));
        assertThat(registry.applyRetention().apply(Administration.SYSTEM, Administration.LOCAL))
                .extracting(e -> e.tag().value()).containsExactly("dev-1", "dev-2");
        assertThat(tags(app)).containsExactly("dev-3", "release-1");
    }

    @Test
    void aManifestAnotherKeptTagPointsAtStays() {
        Digest image = push(app, "old");
        registry.clock.advance(Duration.ofMinutes(1));
        registry.metadata.tag(app, new Tag("stable"), image);
        policy("team/*", OptionalInt.empty(), Optional.of("stable"), OptionalInt.empty());

        assertThat(registry.applyRetention().apply(Administration.SYSTEM, Administration.LOCAL))
                .containsExactly(new ExpiredTag(app, new Tag("old"), image, false));
        assertThat(registry.metadata.exists(app, image)).isTrue();
        assertThat(tags(app)).containsExactly("stable");
    }

    @Test
    void withDeletesDisabledARunIsRefusedAndDeletesNothing() {
        TestRegistry readOnly = new TestRegistry(false, 100);
        readOnly.metadata.add(new RetentionPolicy(0, RepositoryPattern.ALL, OptionalInt.of(0), Optional.empty(),
                OptionalInt.empty()), Instant.EPOCH);
        assertThatThrownBy(() -> readOnly.applyRetention().apply(Administration.SYSTEM, Administration.LOCAL))
                .isInstanceOf(UnsupportedException.class);
    }

    @Test
    void inReadOnlyModeARunIsRefusedAndDeletesNothing() {
        push(app, "v1");
        push(app, "v2");
        policy("team/*", OptionalInt.of(1), Optional.empty(), OptionalInt.empty());
        registry.maintenance.setReadOnly(true);

        assertThatThrownBy(() -> registry.applyRetention().apply(Administration.SYSTEM, Administration.LOCAL))
                .isInstanceOf(UnsupportedException.class);
        assertThat(tags(app)).containsExactly("v1", "v2");
    }

    @Test
    void theScheduledRunRunsOncePerIntervalWhicheverNodeAsks() {
        push(app, "v1");
        push(app, "v2");
        policy("team/*", OptionalInt.of(1), Optional.empty(), OptionalInt.empty());
        Duration interval = Duration.ofHours(24);
        RunScheduledRetention node1 = new RunScheduledRetention(registry.metadata, registry::applyRetention,
                registry.mode(), registry.metadata, interval, registry.clock);
        RunScheduledRetention node2 = new RunScheduledRetention(registry.metadata, registry::applyRetention,
                registry.mode(), registry.metadata, interval, registry.clock);

        assertThat(node1.runIfDue()).hasValueSatisfying(deleted -> assertThat(deleted).hasSize(1));
        assertThat(node2.runIfDue()).isEmpty();
        push(app, "v3");
        registry.clock.advance(interval);
        assertThat(node2.runIfDue()).hasValueSatisfying(deleted -> assertThat(deleted)
                .extracting(e -> e.tag().value()).containsExactly("v2"));
        assertThat(node1.runIfDue()).isEmpty();
    }

    @Test
    void noScheduledRunIsClaimedWhileReadOnlySoItRunsOnceWritesAreAllowed() {
        push(app, "v1");
        push(app, "v2");
        policy("team/*", OptionalInt.of(1), Optional.empty(), OptionalInt.empty());
        RunScheduledRetention node = new RunScheduledRetention(registry.metadata, registry::applyRetention,
                registry.mode(), registry.metadata, Duration.ofHours(24), registry.clock);
        registry.maintenance.setReadOnly(true);

        assertThat(node.runIfDue()).isEmpty();
        assertThat(tags(app)).containsExactly("v1", "v2");
        registry.maintenance.setReadOnly(false);
        assertThat(node.runIfDue()).hasValueSatisfying(deleted -> assertThat(deleted)
                .extracting(e -> e.tag().value()).containsExactly("v1"));
    }
}
