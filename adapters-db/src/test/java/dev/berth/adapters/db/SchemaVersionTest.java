package dev.berth.adapters.db;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Upgrades migrate forward at start-up; a schema a newer Berth migrated is refused, not ignored. */
class SchemaVersionTest {

    @TempDir
    Path directory;

    @Test
    void aSchemaMigratedByANewerBerthIsRefusedWithWhatToDo() throws Exception {
        try (TestDatabase test = TestDatabase.start(directory)) {
            // opening again migrates nothing and starts
            test.openWith(SecretBox.ofBase64(SecretBox.newKey())).close();

            try (Connection connection = test.database().dataSource().getConnection();
                 Statement statement = connection.createStatement()) {
                statement.execute("INSERT INTO flyway_schema_history (installed_rank, version, description, type, script,"
                        + " checksum, installed_by, execution_time, success) SELECT max(installed_rank) + 1, '9999',"
                        + " 'from the future', 'SQL', 'V9999__from_the_future.sql', 0, 'berth', 1, true"
                        + " FROM flyway_schema_history");
                connection.commit();
            }
            assertThatThrownBy(() -> test.openWith(SecretBox.ofBase64(SecretBox.newKey())))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("migrated by a newer Berth (V9999 from the future)")
                    .hasMessageContaining("restore the backup taken before the upgrade");
        }
    }
}
