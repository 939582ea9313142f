package dev.berth.adapters.db;

import dev.berth.application.contract.SecurityStoresContract;
import dev.berth.application.port.SigningKeyStore;
import dev.berth.application.port.UserDirectory;
import dev.berth.domain.access.User;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** The PostgreSQL security stores pass the same contract as the in-memory fakes, on a real PostgreSQL. */
class PostgresSecurityStoresTest extends SecurityStoresContract {

    @RegisterExtension
    static final TestDatabase postgres = new TestDatabase();

    @Override
    protected Stores emptyStores() {
        try (Connection connection = postgres.database().dataSource().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute("TRUNCATE users, anonymous_pull, login_failure, audit_event, signing_key CASCADE");
            connection.commit();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        MetadataDatabase database = postgres.database();
        return new Stores(new PostgresUserDirectory(database), new PostgresRobotTokenStore(database),
                new PostgresLoginFailures(database), new PostgresAuditLog(database), new PostgresAdminSessionStore(database));
    }

    @Test
    void twoAdminsDisablingEachOtherAtOnceLeaveOneEnabled() throws Exception {
        UserDirectory users = emptyStores().users();
        users.create(new User("a", true, true), "$2y$a");
        users.create(new User("b", true, true), "$2y$b");
        try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
            for (int round = 0; round < 20; round++) {
                users.setEnabled("a", true);
                users.setEnabled("b", true);
                CyclicBarrier start = new CyclicBarrier(2);
                Future<UserDirectory.Change> first = pool.submit(() -> {
                    start.await();
                    return users.setEnabled("a", false);
                });
                Future<UserDirectory.Change> second = pool.submit(() -> {
                    start.await();
                    return users.setAdmin("b", false);
                });
                assertThat(List.of(first.get(), second.get())).as("round " + round)
                        .containsExactlyInAnyOrder(UserDirectory.Change.CHANGED, UserDirectory.Change.LAST_ADMIN);
                assertThat(users.list()).filteredOn(u -> u.admin() && u.enabled()).hasSize(1);
                users.setAdmin("b", true);
            }
        }
    }

    @Test
    void signingKeysComeBackNewestFirstFromASince() {
        emptyStores();
        PostgresSigningKeyStore keys = new PostgresSigningKeyStore(postgres.database());
        Instant t0 = Instant.parse("2026-11-27T10:00:00Z");
        keys.add(new SigningKeyStore.SigningKey("old", "ES256", new byte[]{1}, new byte[]{2}, t0));
        keys.add(new SigningKeyStore.SigningKey("new", "ES256", new byte[]{3}, new byte[]{4}, t0.plusSeconds(60)));
        assertThat(keys.since(t0)).extracting(SigningKeyStore.SigningKey::kid).containsExactly("new", "old");
        assertThat(keys.since(t0.plusSeconds(1))).extracting(SigningKeyStore.SigningKey::kid).containsExactly("new");
        assertThat(keys.since(t0).getFirst().publicKey()).containsExactly(4);
    }

    @Test
    void ofNodesMakingANewSigningKeyAtOnceOneAddsIt() throws Exception {
        emptyStores();
        PostgresSigningKeyStore keys = new PostgresSigningKeyStore(postgres.database());
        Instant t0 = Instant.parse("2026-11-27T10:00:00Z");
        keys.add(new SigningKeyStore.SigningKey("schema1", "schema1-ES256", new byte[]{1}, new byte[]{2}, t0));
        CyclicBarrier start = new CyclicBarrier(4);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> added = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) {
                String kid = "node-" + i;
                added.add(pool.submit(() -> {
                    start.await();
                    return keys.addUnlessCreatedAfter(new SigningKeyStore.SigningKey(kid, "ES256", new byte[]{3},
                            new byte[]{4}, t0.plusSeconds(1)), t0.minusSeconds(60));
                }));
            }
            List<Boolean> results = new java.util.ArrayList<>();
            for (Future<Boolean> f : added) {
                results.add(f.get());
            }
            assertThat(results).as("another algorithm's key does not count").containsOnlyOnce(true);
        } finally {
            pool.shutdownNow();
        }
        assertThat(keys.since(t0)).filteredOn(k -> k.algorithm().equals("ES256")).hasSize(1);
        assertThat(keys.addUnlessCreatedAfter(new SigningKeyStore.SigningKey("rotated", "ES256", new byte[]{5},
                new byte[]{6}, t0.plusSeconds(120)), t0.plusSeconds(60))).as("none fresh after the rotation").isTrue();
    }
}
