package dev.berth.adapters.db;

import dev.berth.application.contract.MetadataPorts;
import dev.berth.application.contract.MetadataStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.SQLException;

/** The PostgreSQL stores pass the same contract as the in-memory fakes, on a real PostgreSQL. */
class PostgresMetadataContractTest extends MetadataStoreContract {

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
