package dev.berth.adapters.db;

import org.junit.jupiter.api.extension.RegisterExtension;
import dev.berth.application.contract.MaintenanceStoreContract;
import dev.berth.application.port.MaintenanceStore;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** The PostgreSQL maintenance store passes the same contract as the in-memory fake, on a real PostgreSQL. */
class PostgresMaintenanceStoreTest extends MaintenanceStoreContract {

    @RegisterExtension
    static final TestDatabase postgres = new TestDatabase();

    @Override
    protected MaintenanceStore emptyStore() {
        try (Connection connection = postgres.database().dataSource().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute("TRUNCATE maintenance_run, immutable_tag_rule");
            statement.execute("UPDATE maintenance_mode SET read_only = FALSE");
            connection.commit();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return new PostgresMaintenanceStore(postgres.database());
    }
}
