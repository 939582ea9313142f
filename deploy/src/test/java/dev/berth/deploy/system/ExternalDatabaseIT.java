package dev.berth.deploy.system;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With database.url Berth uses that PostgreSQL (migrating it) and starts none of its own. The same
 * run checks configuration precedence: file values apply, environment variables override them.
 */
class ExternalDatabaseIT {

    @TempDir
    Path work;

    @Test
    void usesAndMigratesTheConfiguredPostgresAndStartsNothingEmbedded() throws Exception {
        Path externalData = Files.createDirectories(work.resolve("external-pg"));
        try (EmbeddedPostgres external = EmbeddedPostgres.builder()
                .setDataDirectory(externalData)
                .setServerConfig("listen_addresses", "127.0.0.1")
                .start()) {
            int port = BerthProcess.freePort();
            int wrongPort = BerthProcess.freePort();
            Path blobs = work.resolve("blobs-from-file");
            String password = "never-log-me-" + port;
            Path config = Files.writeString(work.resolve("config.yml"), """
                    version: 0.1
                    log:
                      level: info
                    http:
                      addr: 127.0.0.1:%d
                    storage:
                      filesystem:
                        rootdirectory: %s
                    database:
                      url: jdbc:postgresql://127.0.0.1:%d/postgres
                      user: postgres
                      password: %s
                    flavour: vanilla
                    """.formatted(wrongPort, blobs, external.getPort(), password));

            try (BerthProcess berth = BerthProcess.start(work, port,
                    Map.of("REGISTRY_HTTP_ADDR", "127.0.0.1:" + port), "--config", config.toString())) {
                berth.awaitReady();

                String health = berth.get("/health/ready").body();
                assertThat(JsonFields.checkStatus(health, "database")).isEqualTo("UP");
                assertThat(JsonFields.string(health, "mode")).isEqualTo("external");
                assertThat(JsonFields.string(health, "schemaVersion")).isEqualTo(LatestMigration.version());
                String installationId = JsonFields.string(health, "installationId");

                try (Connection c = external.getPostgresDatabase().getConnection();
                     ResultSet rs = c.createStatement().executeQuery(
                             // versions are text: "9" > "10", so compare them as numbers
                             "SELECT (SELECT max(version::int)::text FROM flyway_schema_history"
                                     + " WHERE success AND version IS NOT NULL),"
                                     + " (SELECT id::text FROM installation)")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).as("migrated by Berth").isEqualTo(LatestMigration.version());
                    assertThat(rs.getString(2)).isEqualTo(installationId);
                }

                assertThat(Files.isDirectory(blobs)).as("storage root from the file").isTrue();
                assertThat(work.resolve("berth-data/postgres")).as("no embedded database").doesNotExist();
                assertThat(Processes.runningFrom(work.resolve("berth-data/run/postgres-binaries"))).isEmpty();
                assertThat(berth.output())
                        .contains("config:   " + config + " + environment")
                        .contains("listening on 127.0.0.1:" + port)
                        .contains("database: external jdbc:postgresql://127.0.0.1:" + external.getPort() + "/postgres")
                        .contains("flavour: unknown configuration key; ignored")
                        .doesNotContain(password);
                berth.stop();
            }
        }
    }
}
