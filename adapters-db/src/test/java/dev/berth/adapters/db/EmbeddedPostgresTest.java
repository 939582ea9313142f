package dev.berth.adapters.db;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The embedded PostgreSQL's faults: durability, a killed postmaster, a stale pid file, broken binaries. */
class EmbeddedPostgresTest {

    @TempDir
    Path directory;

    @Test
    void runsDurablyAndComesBackWhenItsPostmasterIsKilled() throws Exception {
        try (EmbeddedPostgres postgres = start()) {
            assertThat(postgres.durability()).isEqualTo(Map.of("fsync", "on", "synchronous_commit", "on",
                    "full_page_writes", "on"));
            execute(postgres, "CREATE TABLE acknowledged (id int)");
            execute(postgres, "INSERT INTO acknowledged VALUES (1)");
            long first = postgres.postmasterPid().orElseThrow();

            ProcessHandle.of(first).orElseThrow().destroyForcibly(); // SIGKILL, as the OOM killer sends

            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (postgres.postmasterPid().orElse(first) == first && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(postgres.postmasterPid().orElse(first)).as("a new postmaster").isNotEqualTo(first);
            assertThat(count(postgres, "SELECT count(*) FROM acknowledged")).as("the committed row").isEqualTo(1L);
            assertThat(postgres.failure()).isEmpty();
        }
    }

    @Test
    void reportsAFailureOnceItStaysDownDespiteRestarts() throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.start(directory.resolve("data"), directory.resolve("binaries"),
                0, Duration.ofSeconds(3), Duration.ofSeconds(15))) {
            long first = postgres.postmasterPid().orElseThrow();
            // PostgreSQL refuses a data directory without PG_VERSION: every restart fails
            Files.move(directory.resolve("data/PG_VERSION"), directory.resolve("PG_VERSION.away"));
            ProcessHandle.of(first).orElseThrow().destroyForcibly();

            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (postgres.failure().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertThat(postgres.failure()).hasValueSatisfying(problem ->
                    assertThat(problem).startsWith("the embedded PostgreSQL has been down for"));

            // once it can start again, the supervisor's next attempt brings it back
            Files.move(directory.resolve("PG_VERSION.away"), directory.resolve("data/PG_VERSION"));
            deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (postgres.failure().isPresent() && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertThat(postgres.failure()).isEmpty();
            assertThat(count(postgres, "SELECT 1")).isEqualTo(1L);
        }
    }

    @Test
    void startsOverAnEmptyOrStalePostmasterPidFile() throws Exception {
        start().close();
        Path pidFile = directory.resolve("data/postmaster.pid");

        Files.writeString(pidFile, ""); // what a power loss left behind
        try (EmbeddedPostgres postgres = start()) {
            assertThat(count(postgres, "SELECT 1")).isEqualTo(1L);
        }

        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Files.writeString(pidFile, gone.pid() + "\n" + directory.resolve("data") + "\n");
        try (EmbeddedPostgres postgres = start()) {
            assertThat(count(postgres, "SELECT 1")).isEqualTo(1L);
        }
    }

    @Test
    void extractsTheBinariesAgainWhenOneWasTruncated() throws Exception {
        start().close();
        Path postgresBinary = extraction().resolve("bin/postgres");
        long size = Files.size(postgresBinary);
        assertThat(extraction().resolve(PostgresBinaries.SEAL)).isNotEmptyFile();

        Files.write(postgresBinary, new byte[0]); // zonky's marker still says "ready"
        assertThat(PostgresBinaries.problem(extraction())).contains("bin/postgres");

        try (EmbeddedPostgres postgres = start()) {
            assertThat(count(postgres, "SELECT 1")).isEqualTo(1L);
        }
        assertThat(Files.size(extraction().resolve("bin/postgres"))).isEqualTo(size);
        assertThat(PostgresBinaries.problem(extraction())).isNull();
    }

    private EmbeddedPostgres start() {
        return EmbeddedPostgres.start(directory.resolve("data"), directory.resolve("binaries"), 0);
    }

    private Path extraction() throws IOException {
        try (Stream<Path> children = Files.list(directory.resolve("binaries"))) {
            return children.filter(p -> p.getFileName().toString().startsWith("PG-")).findFirst().orElseThrow();
        }
    }

    private static void execute(EmbeddedPostgres postgres, String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl(), postgres.user(), "");
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static long count(EmbeddedPostgres postgres, String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl(), postgres.user(), "");
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
