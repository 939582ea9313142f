package dev.berth.adapters.db;

import io.zonky.test.db.postgres.util.LinuxUtils;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The embedded PostgreSQL's one way in: the superuser with a random password, by SCRAM, over
 * loopback TCP. zonky's initdb trusts every local connection; before the server first listens
 * (and once on a data directory a Berth without this made) the password is set in single-user
 * mode, which opens no socket, and {@code pg_hba.conf} is replaced by two host lines: no Unix
 * socket, no replication. The password is kept in {@link #FILE}, owner-only, in pgpass format, so
 * that an operator can use it: {@code PGPASSFILE=<dir>/berth-pgpass psql -h 127.0.0.1 -p <port> -U postgres}.
 */
final class PostgresPassword {

    private static final Logger LOG = Logger.getLogger(PostgresPassword.class.getName());
    static final String FILE = "berth-pgpass";
    private static final String HBA_MARKER = "# Berth: the superuser's password (SCRAM) over loopback, nothing else";
    private static final String HBA = HBA_MARKER + "\n"
            + "# TYPE  DATABASE  USER  ADDRESS       METHOD\n"
            + "host    all       all   127.0.0.1/32  scram-sha-256\n"
            + "host    all       all   ::1/128       scram-sha-256\n";
    private static final SecureRandom RANDOM = new SecureRandom();

    private PostgresPassword() {
    }

    /** The password kept in the data directory, or a new random one that {@link #require} will set. */
    static String readOrCreate(Path dataDirectory) throws IOException {
        String kept = read(dataDirectory);
        if (kept != null) {
            return kept;
        }
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes); // hex: nothing to quote in SQL or pgpass
    }

    /**
     * Makes {@code password} the superuser's only way in, unless the data directory says so already.
     * Runs on a stopped server.
     */
    static void require(Path dataDirectory, Path binariesDirectory, String password) {
        try {
            boolean kept = password.equals(read(dataDirectory));
            boolean locked = Files.readString(dataDirectory.resolve("pg_hba.conf")).startsWith(HBA_MARKER);
            if (kept && locked) {
                return;
            }
            setPassword(dataDirectory, binariesDirectory, password);
            writeOwnerOnly(dataDirectory.resolve(FILE), "*:*:*:postgres:" + password + "\n");
            writeOwnerOnly(dataDirectory.resolve("pg_hba.conf"), HBA);
            LOG.info(() -> "Embedded PostgreSQL: connections need the superuser's password, which is in "
                    + dataDirectory.resolve(FILE) + " (owner-only); loopback TCP only");
        } catch (IOException e) {
            throw new IllegalStateException("Cannot require a password for the embedded PostgreSQL in " + dataDirectory
                    + ": " + e.getMessage(), e);
        }
    }

    private static String read(Path dataDirectory) throws IOException {
        Path file = dataDirectory.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        String line = Files.readString(file, StandardCharsets.UTF_8).strip();
        int at = line.lastIndexOf(':');
        return at < 0 || at == line.length() - 1 ? null : line.substring(at + 1);
    }

    /** postgres --single reads SQL from stdin and opens no socket: nobody else can connect meanwhile. */
    private static void setPassword(Path dataDirectory, Path binariesDirectory, String password) throws IOException {
        Path postgres = newestExtraction(binariesDirectory).resolve("bin/postgres");
        List<String> command = new ArrayList<>();
        if (LinuxUtils.isUnshareAvailable()) {
            command.addAll(List.of("unshare", "-U")); // as zonky runs it: postgres refuses to run as root
        }
        command.addAll(List.of(postgres.toString(), "--single", "-D", dataDirectory.toString(),
                "-c", "exit_on_error=on", "-c", "log_statement=none", "postgres"));
        Path output = Files.createTempFile(dataDirectory, "single-user", ".log");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
            try (var stdin = process.getOutputStream()) {
                stdin.write(("ALTER ROLE postgres PASSWORD '" + password + "';\n").getBytes(StandardCharsets.US_ASCII));
            }
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("postgres --single did not finish in 120 s");
            }
            if (process.exitValue() != 0) {
                throw new IOException("postgres --single exited with " + process.exitValue() + ": "
                        + Files.readString(output).replace(password, "***").strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while setting the password", e);
        } finally {
            Files.deleteIfExists(output);
        }
    }

    /** The extraction zonky made last, which is the one it starts the server from. */
    private static Path newestExtraction(Path binariesDirectory) throws IOException {
        return PostgresBinaries.extractions(binariesDirectory).stream()
                .filter(e -> Files.isRegularFile(e.resolve("bin/postgres")))
                .max(Comparator.comparing(e -> e.resolve(".exists").toFile().lastModified()))
                .orElseThrow(() -> new IOException("no PostgreSQL binaries in " + binariesDirectory));
    }

    private static void writeOwnerOnly(Path target, String content) throws IOException {
        Path temporary = target.resolveSibling(target.getFileName() + ".tmp");
        Files.deleteIfExists(temporary);
        Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(temporary, content, StandardCharsets.UTF_8);
        PostgresBinaries.fsync(temporary);
        Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        PostgresBinaries.fsync(target.getParent());
    }
}
