package dev.berth.adapters.db;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
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
    void letsInOnlyWhoKnowsThePasswordOverLoopback() throws Exception {
        try (EmbeddedPostgres postgres = start()) {
            // trust would let a wrong password in; the server itself refuses it (the driver refuses an empty one)
            assertThat(refusal(postgres, "guess")).as("a wrong password").contains("password authentication failed");
            assertThat(count(postgres, "SELECT 1")).isEqualTo(1L);

            Path passwordFile = directory.resolve("data").resolve(PostgresPassword.FILE);
            assertThat(Files.readString(passwordFile)).isEqualTo("*:*:*:postgres:" + postgres.password() + "\n");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(passwordFile))).isEqualTo("rw-------");
            assertThat(activeLines(directory.resolve("data/pg_hba.conf"))).containsExactly(
                    "host all all 127.0.0.1/32 scram-sha-256", "host all all ::1/128 scram-sha-256");
            assertThat(count(postgres, "SELECT count(*) FROM pg_settings WHERE name = 'unix_socket_directories'"
                    + " AND setting = ''")).as("no Unix socket").isEqualTo(1L);
        }
        try (EmbeddedPostgres again = start()) {
            assertThat(again.password()).as("kept across restarts")
                    .isEqualTo(Files.readString(directory.resolve("data").resolve(PostgresPassword.FILE)).strip()
                            .substring("*:*:*:postgres:".length()));
            assertThat(count(again, "SELECT 1")).isEqualTo(1L);
        }
    }

    @Test
    void locksADataDirectoryThatTrustedEverybody() throws Exception {
        start().close();
        // what a Berth before password authentication left: zonky's initdb trusts every local connection
        Files.writeString(directory.resolve("data/pg_hba.conf"), "local all all trust\n"
                + "host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\nhost replication all 127.0.0.1/32 trust\n");
        Files.delete(directory.resolve("data").resolve(PostgresPassword.FILE));

        try (EmbeddedPostgres postgres = start()) {
            assertThat(refusal(postgres, "guess")).contains("password authentication failed");
            assertThat(count(postgres, "SELECT 1")).isEqualTo(1L);
            assertThat(activeLines(directory.resolve("data/pg_hba.conf"))).noneMatch(line -> line.contains("trust"));
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

    @Test
    void preparedAheadOrStartedBeforeItsBinariesAreNotUnpackedAgain() throws Exception {
        EmbeddedPostgres.prepare(directory.resolve("data"), directory.resolve("binaries"));
        assertThat(directory.resolve("data/PG_VERSION")).as("initdb ran").isRegularFile();
        assertThat(PostgresBinaries.problem(extraction())).as("sealed").isNull();
        Path postgresBinary = extraction().resolve("bin/postgres");
        var unpacked = Files.getLastModifiedTime(postgresBinary);

        for (int start = 0; start < 2; start++) {
            try (EmbeddedPostgres postgres = start()) {
                assertThat(refusal(postgres, "guess")).as("the password is required").isNotEmpty();
                assertThat(count(postgres, "SELECT 1")).isEqualTo(1L);
            }
        }
        assertThat(Files.getLastModifiedTime(postgresBinary)).as("unpacked once (zonky trusts its marker)")
                .isEqualTo(unpacked);
    }

    private EmbeddedPostgres start() {
        return EmbeddedPostgres.start(directory.resolve("data"), directory.resolve("binaries"), 0);
    }

    private Path extraction() throws IOException {
        try (Stream<Path> children = Files.list(directory.resolve("binaries"))) {
            return children.filter(p -> p.getFileName().toString().startsWith("PG-")).findFirst().orElseThrow();
        }
    }

    /** The driver's message when a connection with this password is refused (empty when it is let in). */
    private static String refusal(EmbeddedPostgres postgres, String password) {
        try (Connection ignored = DriverManager.getConnection(postgres.jdbcUrl(), postgres.user(), password)) {
            return "";
        } catch (SQLException e) {
            return e.getMessage();
        }
    }

    private static List<String> activeLines(Path file) throws IOException {
        return Files.readAllLines(file).stream().filter(l -> !l.isBlank() && !l.startsWith("#"))
                .map(l -> l.trim().replaceAll("\\s+", " ")).toList();
    }

    private static void execute(EmbeddedPostgres postgres, String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl(), postgres.user(), postgres.password());
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static long count(EmbeddedPostgres postgres, String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl(), postgres.user(), postgres.password());
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
