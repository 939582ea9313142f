package dev.berth.adapters.db;

import dev.berth.application.contract.StorageUsageStoreContract;
import dev.berth.application.contract.UsagePorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;

/** V16's triggers keep the same numbers the in-memory fake computes, on a real PostgreSQL, without deadlocks. */
class PostgresUsageContractTest extends StorageUsageStoreContract {

    @RegisterExtension
    static final TestDatabase postgres = new TestDatabase();
    private long conflictsBefore;

    /** Every writer keeps one lock order (V17): concurrent pushes and deletions wait, none deadlocks. */
    @AfterEach
    void noTransactionDeadlocked() {
        assertThat(postgres.database().jpa().conflictsRetried()).as("transactions aborted by a deadlock and run again")
                .isEqualTo(conflictsBefore);
    }

    @Override
    protected UsagePorts emptyStore() {
        try {
            postgres.empty();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        MetadataDatabase database = postgres.database();
        conflictsBefore = database.jpa().conflictsRetried();
        return new UsagePorts(new PostgresRepositoryCatalog(database), new PostgresBlobLinkStore(database),
                new PostgresManifestStore(database), new JpaTransactions(database),
                new PostgresStorageUsageStore(database));
    }
}
