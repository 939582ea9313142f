package dev.berth.adapters.db;

import dev.berth.application.system.DatabaseStatus.DatabaseReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

class PostgresDatabaseStatusTest {

    @RegisterExtension
    static final TestDatabase postgres = new TestDatabase();

    @Test
    void reportsTheLatestSchemaVersionAndTheInstallation() throws IOException {
        DatabaseReport report = new PostgresDatabaseStatus(postgres.database()).report();

        assertThat(report.reachable()).isTrue();
        assertThat(report.schemaVersion()).isEqualTo(String.valueOf(latestMigration()));
        assertThat(report.installationId()).isNotBlank();
        assertThat(report.problem()).isNull();
        assertThat(report.durability()).containsOnly(entry("fsync", "on"), entry("synchronous_commit", "on"),
                entry("full_page_writes", "on"));
        assertThat(report.durable()).isTrue();
    }

    /** The highest V<n>__*.sql in the sources, so that a new migration does not break this test. */
    private static int latestMigration() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("src/main/resources/db/migration"))) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.matches("V\\d+__.*\\.sql"))
                    .mapToInt(n -> Integer.parseInt(n.substring(1, n.indexOf("__")))).max().orElseThrow();
        }
    }
}
