package dev.berth.adapters.db;

import dev.berth.application.contract.SecurityStoresContract;
import dev.berth.application.port.SigningKeyStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** The PostgreSQL security stores pass the same contract as the in-memory fakes, on a real PostgreSQL. */
class PostgresSecurityStoresTest extends SecurityStoresContract {

    @TempDir
    static Path directory;
    private static TestDatabase postgres;

    @BeforeAll
    static void startPostgres() {
        postgres = TestDatabase.start(directory);
    }

    @AfterAll
    static void stopPostgres() {
        postgres.close();
    }

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
                new PostgresLoginFailures(database), new PostgresAuditLog(database));
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
}
