package dev.berth.adapters.db;

import dev.berth.application.upstream.Upstream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The admin UI's upstreams on a real PostgreSQL: stored, edited, removed, the password sealed, every node told. */
class PostgresUpstreamStoreTest {

    @RegisterExtension
    static final TestDatabase postgres = new TestDatabase();
    private static MetadataDatabase otherNode;
    private PostgresUpstreamStore store;

    @BeforeEach
    void empty() {
        store = new PostgresUpstreamStore(postgres.database());
        store.list().forEach(u -> store.remove(u.prefix()));
    }

    @AfterAll
    static void closeOtherNode() {
        if (otherNode != null) {
            otherNode.close();
        }
    }

    private static Upstream upstream(String prefix, String password) {
        return new Upstream(prefix, "https://registry.example", Optional.of("mirror"), Optional.ofNullable(password),
                Duration.ofSeconds(90), 5_000_000, Optional.of("/etc/berth/ca.pem"), Optional.empty(), Optional.empty(),
                Upstream.Source.ADMIN);
    }

    @Test
    void anUpstreamIsStoredEditedUnderAnotherPrefixAndRemoved() {
        assertThat(store.save(Optional.empty(), upstream("hub/", "secret-1"))).isTrue();
        assertThat(store.save(Optional.empty(), upstream("hub/", "secret-2"))).as("the prefix is taken").isFalse();
        assertThat(store.find("hub/")).contains(upstream("hub/", "secret-1"));

        assertThat(store.save(Optional.of("hub/"), upstream("mirrors/hub/", null))).isTrue();
        assertThat(store.list()).containsExactly(upstream("mirrors/hub/", null));
        assertThat(store.save(Optional.of("hub/"), upstream("hub/", null))).as("edited meanwhile: gone").isFalse();

        assertThat(store.remove("mirrors/hub/")).isTrue();
        assertThat(store.remove("mirrors/hub/")).isFalse();
        assertThat(store.list()).isEmpty();
    }

    @Test
    void thePasswordIsSealedAtRest() throws Exception {
        store.save(Optional.empty(), upstream("ghcr/", "upstream-password-7"));
        try (Connection connection = postgres.database().dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT password FROM pull_through_upstream WHERE prefix = 'ghcr/'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).startsWith(SecretBox.TEXT_PREFIX).doesNotContain("upstream-password-7");
        }
        assertThat(store.find("ghcr/").flatMap(Upstream::password)).contains("upstream-password-7");
        assertThat(store.find("ghcr/").orElseThrow().toString()).doesNotContain("upstream-password-7");
    }

    @Test
    void anotherNodeHearsEveryChangeOnceItCommits() throws Exception {
        otherNode = postgres.openWith(postgres.database().secrets());
        Semaphore heard = new Semaphore(0);
        new PostgresUpstreamStore(otherNode).onChange(heard::release);
        otherNode.listenForChanges();

        store.save(Optional.empty(), upstream("quay/", "p"));
        assertThat(heard.tryAcquire(10, TimeUnit.SECONDS)).as("an upstream added").isTrue();
        assertThat(new PostgresUpstreamStore(otherNode).find("quay/")).isPresent();
        store.remove("quay/");
        assertThat(heard.tryAcquire(10, TimeUnit.SECONDS)).as("an upstream removed").isTrue();
    }
}
