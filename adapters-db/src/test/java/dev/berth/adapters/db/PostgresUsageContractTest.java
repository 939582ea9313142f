package dev.berth.adapters.db;

import dev.berth.application.contract.StorageUsageStoreContract;
import dev.berth.application.contract.UsagePorts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.SQLException;

/** V16's triggers keep the same numbers the in-memory fake computes, on a real PostgreSQL. */
class PostgresUsageContractTest extends StorageUsageStoreContract {

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
    protected UsagePorts emptyStore() {
        try {
            postgres.empty();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        MetadataDatabase database = postgres.database();
        return new UsagePorts(new PostgresRepositoryCatalog(database), new PostgresBlobLinkStore(database),
                new PostgresManifestStore(database), new JpaTransactions(database),
                new PostgresStorageUsageStore(database));
    }
}
