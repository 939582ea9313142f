package dev.berth.adapters.db;

import dev.berth.application.event.EnvelopeFormat;
import dev.berth.application.event.EventAction;
import dev.berth.application.event.NotificationEndpoint;
import dev.berth.application.port.StoredManifest;
import dev.berth.domain.Digest;
import dev.berth.domain.DigestAlgorithm;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.Tag;
import dev.berth.domain.manifest.MediaType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A node that keeps manifests in memory ({@link ManifestCache}) next to another writer on the same
 * PostgreSQL (another node, or an operator command): the node never answers with what was changed
 * once the change is committed and heard, its own changes are seen at once, and a lost listening
 * connection never leaves stale entries behind.
 */
class ManifestCacheCoherenceTest {

    private static final Duration HEARD = Duration.ofSeconds(10);
    private static final AtomicInteger REPOSITORIES = new AtomicInteger();

    @RegisterExtension
    static final TestDatabase postgres = new TestDatabase();
    /** The node under test: listens, so it caches. */
    private static MetadataDatabase node;
    /** Another writer: does not listen. */
    private static MetadataDatabase other;

    @BeforeAll
    static void start() {
        other = postgres.database();
        node = postgres.openWith(other.secrets());
        node.listenForChanges();
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void aTagMovedElsewhereIsServedMovedOnceHeard() throws Exception {
        RepositoryName repository = repository();
        StoredManifest first = push(other, repository, "first");
        StoredManifest second = push(other, repository, "second");
        new PostgresTagStore(other).tag(repository, new Tag("v1"), first.digest());
        PostgresManifestStore reads = new PostgresManifestStore(node);

        // once the notifications of the pushes above are heard, reads come from memory
        await(() -> {
            long hits = node.manifestCacheUsage().hits();
            assertThat(digestTagged(reads, repository)).contains(first.digest());
            return node.manifestCacheUsage().hits() > hits;
        });

        new PostgresTagStore(other).tag(repository, new Tag("v1"), second.digest());
        awaitTagged(reads, repository, Optional.of(second.digest()));

        assertThat(reads.get(repository, first.digest())).isPresent();
        new PostgresRepositoryCatalog(other).delete(repository);
        Instant deadline = Instant.now().plus(HEARD);
        while (reads.get(repository, first.digest()).isPresent()) {
            assertThat(Instant.now()).as("the deleted repository's manifest is forgotten").isBefore(deadline);
            Thread.sleep(20);
        }
    }

    @Test
    void theNodesOwnChangesAreSeenAtOnce() {
        RepositoryName repository = repository();
        StoredManifest first = push(node, repository, "first");
        StoredManifest second = push(node, repository, "second");
        PostgresTagStore tags = new PostgresTagStore(node);
        PostgresManifestStore manifests = new PostgresManifestStore(node);
        tags.tag(repository, new Tag("v1"), first.digest());
        assertThat(digestTagged(manifests, repository)).contains(first.digest());
        assertThat(digestTagged(manifests, repository)).contains(first.digest());

        tags.tag(repository, new Tag("v1"), second.digest());
        assertThat(digestTagged(manifests, repository)).contains(second.digest());
        tags.untag(repository, new Tag("v1"));
        assertThat(digestTagged(manifests, repository)).isEmpty();

        assertThat(manifests.get(repository, first.digest())).isPresent();
        assertThat(manifests.delete(repository, first.digest())).isTrue();
        assertThat(manifests.get(repository, first.digest())).isEmpty();
    }

    @Test
    void tagListsFollowAnotherWritersTagsOnceHeard() throws Exception {
        RepositoryName repository = repository();
        StoredManifest image = push(other, repository, "image");
        PostgresTagStore writer = new PostgresTagStore(other);
        PostgresTagStore reads = new PostgresTagStore(node);
        writer.tag(repository, new Tag("v1"), image.digest());
        awaitTags(reads, repository, "v1");

        writer.tag(repository, new Tag("v2"), image.digest());
        awaitTags(reads, repository, "v1", "v2");
        writer.untag(repository, new Tag("v1"));
        awaitTags(reads, repository, "v2");
        assertThat(reads.list(repository, Optional.of("v1"), 10)).extracting(Tag::value).containsExactly("v2");
        new PostgresRepositoryCatalog(other).delete(repository);
        awaitTags(reads, repository);
    }

    @Test
    void theNodesOwnTagChangesAreListedAtOnce() {
        RepositoryName repository = repository();
        StoredManifest image = push(node, repository, "image");
        PostgresTagStore tags = new PostgresTagStore(node);
        tags.tag(repository, new Tag("v1"), image.digest());
        assertThat(tags.list(repository, Optional.empty(), 10)).extracting(Tag::value).containsExactly("v1");
        assertThat(tags.list(repository, Optional.empty(), 10)).extracting(Tag::value).containsExactly("v1");

        tags.tag(repository, new Tag("v2"), image.digest());
        assertThat(tags.list(repository, Optional.empty(), 10)).extracting(Tag::value).containsExactly("v1", "v2");
        assertThat(tags.list(repository, Optional.empty(), 1)).extracting(Tag::value).containsExactly("v1");
        tags.untag(repository, new Tag("v1"));
        assertThat(tags.list(repository, Optional.empty(), 10)).extracting(Tag::value).containsExactly("v2");
        assertThat(tags.list(repository, Optional.empty(), 1)).extracting(Tag::value).containsExactly("v2");
    }

    private static void awaitTags(PostgresTagStore tags, RepositoryName repository, String... expected)
            throws InterruptedException {
        Instant deadline = Instant.now().plus(HEARD);
        List<String> listed;
        while (!(listed = tags.list(repository, Optional.empty(), 10).stream().map(Tag::value).toList())
                .equals(List.of(expected))) {
            assertThat(Instant.now()).as("listed " + listed + ", expected " + List.of(expected)).isBefore(deadline);
            Thread.sleep(20);
        }
    }

    @Test
    void whatARolledBackTransactionReadIsNotKept() {
        RepositoryName repository = repository();
        StoredManifest first = push(node, repository, "first");
        StoredManifest second = push(node, repository, "second");
        PostgresTagStore tags = new PostgresTagStore(node);
        PostgresManifestStore manifests = new PostgresManifestStore(node);
        tags.tag(repository, new Tag("v1"), first.digest());
        assertThat(digestTagged(manifests, repository)).contains(first.digest());

        JpaTransactions transactions = new JpaTransactions(node);
        assertThatThrownBy(() -> transactions.run(() -> {
            tags.tag(repository, new Tag("v1"), second.digest());
            assertThat(digestTagged(manifests, repository)).as("the transaction reads its own change")
                    .contains(second.digest());
            throw new IllegalStateException("changed my mind");
        })).hasMessage("changed my mind");

        assertThat(digestTagged(manifests, repository)).contains(first.digest());
        assertThat(digestTagged(manifests, repository)).contains(first.digest());
    }

    @Test
    void aLostListenerLeavesNothingStale() throws Exception {
        RepositoryName repository = repository();
        StoredManifest first = push(other, repository, "first");
        StoredManifest second = push(other, repository, "second");
        new PostgresTagStore(other).tag(repository, new Tag("v1"), first.digest());
        PostgresManifestStore reads = new PostgresManifestStore(node);
        assertThat(digestTagged(reads, repository)).contains(first.digest());

        int listener = listenerPid();
        sql("SELECT pg_terminate_backend(" + listener + ")");
        // changed while nobody listens: its notification is lost
        new PostgresTagStore(other).tag(repository, new Tag("v1"), second.digest());
        Instant deadline = Instant.now().plus(HEARD);
        while (listenerPidOrZero() == 0 || listenerPidOrZero() == listener) {
            assertThat(Instant.now()).as("the node listens again").isBefore(deadline);
            Thread.sleep(50);
        }
        assertThat(digestTagged(reads, repository)).contains(second.digest());
    }

    @Test
    void pullEventsAreBuiltOnlyWhenSomeEndpointWantsThem() throws Exception {
        PostgresEventOutbox outbox = new PostgresEventOutbox(node);
        String type = MediaType.OCI_MANIFEST_V1.toString();
        assertThat(outbox.wants(EventAction.PULL, type)).isFalse();

        new PostgresNotificationStore(other).save(endpoint("elsewhere", Set.of()), false);
        await(() -> outbox.wants(EventAction.PULL, type));

        PostgresNotificationStore own = new PostgresNotificationStore(node);
        own.remove("elsewhere");
        assertThat(outbox.wants(EventAction.PULL, type)).isFalse();
        own.save(endpoint("pushes-only", Set.of(EventAction.PULL)), false);
        assertThat(outbox.wants(EventAction.PULL, type)).isFalse();
        assertThat(outbox.wants(EventAction.PUSH, type)).isTrue();
        own.remove("pushes-only");
    }

    private static NotificationEndpoint endpoint(String name, Set<EventAction> ignoredActions) {
        return new NotificationEndpoint(name, URI.create("http://127.0.0.1:1/" + name), Map.of(), Duration.ofSeconds(1),
                3, Duration.ofSeconds(1), Set.of(), ignoredActions, EnvelopeFormat.V1, Optional.empty(), false);
    }

    private static RepositoryName repository() {
        return new RepositoryName("cache/r" + REPOSITORIES.incrementAndGet());
    }

    private static StoredManifest push(MetadataDatabase database, RepositoryName repository, String name) {
        byte[] config = (repository + " " + name + " config").getBytes(UTF_8);
        Digest blob = Digest.of(DigestAlgorithm.SHA256, config);
        new PostgresBlobLinkStore(database).recordBlob(blob, config.length);
        byte[] payload = ("{\"image\":\"" + repository + " " + name + "\"}").getBytes(UTF_8);
        StoredManifest manifest = new StoredManifest(Digest.of(DigestAlgorithm.SHA256, payload),
                MediaType.OCI_MANIFEST_V1, payload, null, null, Map.of(), List.of(blob), List.of(),
                Instant.now().truncatedTo(ChronoUnit.MICROS));
        new PostgresManifestStore(database).put(repository, manifest);
        return manifest;
    }

    private static Optional<Digest> digestTagged(PostgresManifestStore manifests, RepositoryName repository) {
        return manifests.getTagged(repository, new Tag("v1")).map(StoredManifest::digest);
    }

    private static void awaitTagged(PostgresManifestStore manifests, RepositoryName repository, Optional<Digest> expected)
            throws InterruptedException {
        await(() -> digestTagged(manifests, repository).equals(expected));
    }

    private static void await(Supplier<Boolean> condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(HEARD);
        while (!condition.get()) {
            assertThat(Instant.now()).as("heard within " + HEARD).isBefore(deadline);
            Thread.sleep(20);
        }
    }

    private static int listenerPid() throws SQLException {
        int pid = listenerPidOrZero();
        assertThat(pid).as("the node's listening connection").isPositive();
        return pid;
    }

    private static int listenerPidOrZero() {
        try (Connection connection = other.dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(
                     "SELECT pid FROM pg_stat_activity WHERE application_name = 'berth-metadata-changes'")) {
            int pid = rs.next() ? rs.getInt(1) : 0;
            connection.commit();
            return pid;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sql(String query) throws SQLException {
        try (Connection connection = other.dataSource().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute(query);
            connection.commit();
        }
    }
}
