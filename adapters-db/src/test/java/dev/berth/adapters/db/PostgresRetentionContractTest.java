package dev.berth.adapters.db;

import dev.berth.application.contract.RetentionStoreContract;
import dev.berth.application.contract.RetentionPorts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.SQLException;

/** Retention policies, tag pull times and the run claim on a real PostgreSQL. */
class PostgresRetentionContractTest extends RetentionStoreContract {

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
    protected RetentionPorts emptyStore() {
        try {
            postgres.empty();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        MetadataDatabase database = postgres.database();
        return new RetentionPorts(new PostgresBlobLinkStore(database), new PostgresManifestStore(database),
                new PostgresTagStore(database), new JpaTransactions(database), new PostgresRetentionStore(database));
    }
}
