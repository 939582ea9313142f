package dev.berth.adapters.db;

import dev.berth.application.contract.GarbageCollectionStoreContract;
import dev.berth.application.contract.MetadataPorts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.SQLException;

/** The queues, triggers and locks of V14 pass the same contract as the in-memory fake, on a real PostgreSQL. */
class PostgresGarbageCollectionContractTest extends GarbageCollectionStoreContract {

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
        try {
            postgres.empty();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        MetadataDatabase database = postgres.database();
        return new Stores(new MetadataPorts(new PostgresRepositoryCatalog(database), new PostgresBlobLinkStore(database),
                new PostgresManifestStore(database), new PostgresTagStore(database),
                new PostgresUploadSessionStore(database), new JpaTransactions(database),
                new PostgresActivityStore(database)), new PostgresGarbageCollectionStore(database),
                new PostgresStorageUsageStore(database));
    }
}
