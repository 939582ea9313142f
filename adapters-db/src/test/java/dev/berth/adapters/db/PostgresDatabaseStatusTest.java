package dev.berth.adapters.db;

import dev.berth.application.system.DatabaseStatus.DatabaseReport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class PostgresDatabaseStatusTest {

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

    @Test
    void reportsTheLatestSchemaVersionAndTheInstallation() {
        DatabaseReport report = new PostgresDatabaseStatus(postgres.database()).report();

        assertThat(report.reachable()).isTrue();
        assertThat(report.schemaVersion()).isEqualTo("5");
        assertThat(report.installationId()).isNotBlank();
        assertThat(report.problem()).isNull();
    }
}
