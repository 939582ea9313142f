package dev.berth.adapters.db;

import org.junit.jupiter.api.extension.RegisterExtension;
import dev.berth.application.contract.RetentionStoreContract;
import dev.berth.application.contract.RetentionPorts;

import java.sql.SQLException;

/** Retention policies, tag pull times and the run claim on a real PostgreSQL. */
class PostgresRetentionContractTest extends RetentionStoreContract {

    @RegisterExtension
    static final TestDatabase postgres = new TestDatabase();

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
