package dev.berth.adapters.db;

import org.junit.jupiter.api.extension.RegisterExtension;
import dev.berth.application.contract.GarbageCollectionStoreContract;
import dev.berth.application.contract.MetadataPorts;

import java.sql.SQLException;

/** The queues, triggers and locks of V14 pass the same contract as the in-memory fake, on a real PostgreSQL. */
class PostgresGarbageCollectionContractTest extends GarbageCollectionStoreContract {

    @RegisterExtension
    static final TestDatabase postgres = new TestDatabase();

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
