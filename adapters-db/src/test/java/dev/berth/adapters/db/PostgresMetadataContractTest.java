package dev.berth.adapters.db;

import org.junit.jupiter.api.extension.RegisterExtension;
import dev.berth.application.contract.MetadataPorts;
import dev.berth.application.contract.MetadataStoreContract;

import java.sql.SQLException;

/** The PostgreSQL stores pass the same contract as the in-memory fakes, on a real PostgreSQL. */
class PostgresMetadataContractTest extends MetadataStoreContract {

    @RegisterExtension
    static final TestDatabase postgres = new TestDatabase();

    @Override
    protected MetadataPorts emptyStore() {
        try {
            postgres.empty();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        MetadataDatabase database = postgres.database();
        return new MetadataPorts(new PostgresRepositoryCatalog(database), new PostgresBlobLinkStore(database),
                new PostgresManifestStore(database), new PostgresTagStore(database),
                new PostgresUploadSessionStore(database), new JpaTransactions(database),
                new PostgresActivityStore(database));
    }
}
