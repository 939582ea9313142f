package dev.berth.adapters.db;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * A real PostgreSQL server (zonky binaries) whose data lives in a directory of Berth's data
 * directory, so that it survives restarts. Listens on loopback only, runs durably (fsync,
 * synchronous commits, full page writes: zonky's test defaults turn the first two off), and is
 * supervised: when its postmaster dies (the OOM killer) it is started again, with backoff, on the
 * same port, so the connection pool finds it again without a restart of Berth.
 * <p>
 * It lets in only who knows its password ({@link PostgresPassword}): any other process on the host
 * could otherwise connect as the superuser, make itself a registry administrator and run commands
 * as Berth's operating-system user ({@code COPY ... TO PROGRAM}).
 */
public final class EmbeddedPostgres implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(EmbeddedPostgres.class.getName());
    private static final Duration STARTUP_WAIT = Duration.ofSeconds(60);
    private static final Duration ORPHAN_STOP_WAIT = Duration.ofSeconds(30);
    /** How often the supervisor looks at the postmaster. */
    static final Duration SUPERVISION_INTERVAL = Duration.ofSeconds(1);
    static final Duration FIRST_RESTART_DELAY = Duration.ofSeconds(1);
    static final Duration LONGEST_RESTART_DELAY = Duration.ofSeconds(30);
    /** Down this long despite restarts: only restarting Berth (its supervisor's job) may still help. */
    static final Duration GIVE_UP_AFTER = Duration.ofSeconds(60);
    /** The settings that make an acknowledged commit survive a crash or power loss; all must be "on". */
    public static final List<String> DURABILITY_SETTINGS = List.of("fsync", "synchronous_commit", "full_page_writes");

    private final Path dataDirectory;
    private final Path binariesDirectory;
    private final int port;
    private final Duration giveUpAfter;
    private final Duration startupWait;
    private final ParentDeathWatch parentDeathWatch;
    private final ScheduledExecutorService supervisor;
    private volatile io.zonky.test.db.postgres.embedded.EmbeddedPostgres server;
    private volatile ProcessHandle postmaster;
    private volatile boolean closed;
    /** System.nanoTime() when the postmaster was found dead, while it stays down; else null. */
    private volatile Long downSinceNanos;
    private volatile String lastFailure;
    private final String password;
    private long nextAttemptNanos;
    private Duration restartDelay = FIRST_RESTART_DELAY;

    private EmbeddedPostgres(io.zonky.test.db.postgres.embedded.EmbeddedPostgres server, Path dataDirectory,
                             Path binariesDirectory, String password, Duration giveUpAfter, Duration startupWait) {
        this.server = server;
        this.password = password;
        this.giveUpAfter = giveUpAfter;
        this.startupWait = startupWait;
        this.dataDirectory = dataDirectory;
        this.binariesDirectory = binariesDirectory;
        this.port = server.getPort();
        this.postmaster = postmaster(dataDirectory).orElse(null);
        this.parentDeathWatch = ParentDeathWatch.start(dataDirectory);
        // when the JVM stops, zonky's own shutdown hook stops the server: that is no death to repair
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("berth-postgres-supervisor-stop")
                .unstarted(() -> closed = true));
        this.supervisor = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("berth-postgres-supervisor").daemon().factory());
        supervisor.scheduleWithFixedDelay(this::supervise, SUPERVISION_INTERVAL.toMillis(),
                SUPERVISION_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Starts PostgreSQL on {@code dataDirectory}, running initdb only the first time, and supervises it.
     *
     * @param port 0 picks a free port (kept for restarts)
     */
    public static EmbeddedPostgres start(Path dataDirectory, Path binariesDirectory, int port) {
        return start(dataDirectory, binariesDirectory, port, GIVE_UP_AFTER, STARTUP_WAIT);
    }

    /**
     * @param giveUpAfter how long down before {@link #failure()} reports it (tests shorten it)
     * @param startupWait how long a start may take; a start that fails takes all of it (zonky
     *                    ignores pg_ctl's exit status and waits for the port)
     */
    static EmbeddedPostgres start(Path dataDirectory, Path binariesDirectory, int port, Duration giveUpAfter,
                                  Duration startupWait) {
        try {
            Files.createDirectories(dataDirectory);
            Files.createDirectories(binariesDirectory);
            PostgresBinaries.discardBroken(binariesDirectory);
            stopOrphanedServer(dataDirectory);
            String password = PostgresPassword.readOrCreate(dataDirectory);
            var server = startServer(dataDirectory, binariesDirectory, port, password, startupWait);
            EmbeddedPostgres postgres = new EmbeddedPostgres(server, dataDirectory, binariesDirectory, password,
                    giveUpAfter, startupWait);
            try {
                PostgresBinaries.seal(binariesDirectory);
                postgres.logDurability();
                return postgres;
            } catch (IOException | RuntimeException e) {
                postgres.close();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Embedded PostgreSQL did not start in " + dataDirectory + ": " + e.getMessage(), e);
        }
    }

    /**
     * Takes a first start's slow steps ahead of {@link #start}: the binaries unpacked from their xz
     * archive and sealed, and on an empty data directory initdb (the password required), by starting
     * the server once and stopping it again. Berth's launcher runs it while the web container boots,
     * so that {@link #start} then only starts the postmaster. Does nothing when both are done already.
     */
    public static void prepare(Path dataDirectory, Path binariesDirectory) {
        try {
            if (Files.isRegularFile(dataDirectory.resolve("PG_VERSION"))
                    && !PostgresBinaries.extractions(binariesDirectory).isEmpty()) {
                return;
            }
            Files.createDirectories(dataDirectory);
            Files.createDirectories(binariesDirectory);
            PostgresBinaries.discardBroken(binariesDirectory);
            stopOrphanedServer(dataDirectory);
            String password = PostgresPassword.readOrCreate(dataDirectory);
            // no shutdown hook: this server is stopped below, and the hook would keep its class loader for good
            // in the background, and the runtime's start waits for it anyway: a slow first start on a busy
            // machine (initdb fsyncs every file) is better waited for than failed half-way, which leaves
            // zonky's lock on the data directory held in this process
            var server = startServer(dataDirectory, binariesDirectory, 0, password, STARTUP_WAIT.multipliedBy(3), false);
            try {
                PostgresBinaries.seal(binariesDirectory);
            } finally {
                server.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Preparing the embedded PostgreSQL in " + dataDirectory + " failed: "
                    + e.getMessage(), e);
        }
    }

    private static io.zonky.test.db.postgres.embedded.EmbeddedPostgres startServer(Path dataDirectory,
                                                                                 Path binariesDirectory, int port,
                                                                                 String password, Duration startupWait)
            throws IOException {
        return startServer(dataDirectory, binariesDirectory, port, password, startupWait, true);
    }

    private static io.zonky.test.db.postgres.embedded.EmbeddedPostgres startServer(Path dataDirectory,
                                                                                 Path binariesDirectory, int port,
                                                                                 String password, Duration startupWait,
                                                                                 boolean shutdownHook)
            throws IOException {
        var builder = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                .setRegisterShutdownHook(shutdownHook)
                .setDataDirectory(dataDirectory)
                .setCleanDataDirectory(false)
                .setOverrideWorkingDirectory(binariesDirectory.toFile())
                // after zonky's initdb (which trusts everybody) and before the server first listens
                .setDataDirectoryCustomizer(directory -> PostgresPassword.require(directory.toPath(),
                        binariesDirectory, password))
                .setConnectConfig("password", password)
                .setPGStartupWait(startupWait)
                // zonky's readiness probe connects to "localhost", which may resolve to ::1
                .setServerConfig("listen_addresses", "127.0.0.1,::1")
                .setServerConfig("unix_socket_directories", "");
        // zonky starts postgres with -F and synchronous_commit=off; a later -c wins over -F
        DURABILITY_SETTINGS.forEach(setting -> builder.setServerConfig(setting, "on"));
        if (port > 0) {
            builder.setPort(port);
        }
        return builder.start();
    }

    /**
     * A Berth that was killed (SIGKILL, OOM) may leave its postgres running and holding the data
     * directory: stop that server, and only that one (the PID from this directory's postmaster.pid,
     * a live postgres process). A postmaster.pid that names no live postgres (empty after a power
     * loss, or a PID now gone or reused) is stale: PostgreSQL refuses to start over it, so remove it.
     */
    private static void stopOrphanedServer(Path dataDirectory) throws IOException {
        Path pidFile = dataDirectory.resolve("postmaster.pid");
        if (!Files.isRegularFile(pidFile)) {
            return;
        }
        OptionalLong pid = pidIn(pidFile);
        Optional<ProcessHandle> orphan = postmaster(dataDirectory);
        if (orphan.isEmpty()) {
            LOG.warning(() -> "Removing the stale " + pidFile + " ("
                    + (pid.isPresent() ? "process " + pid.getAsLong() + " is not a running postgres" : "no PID in it")
                    + ")");
            Files.deleteIfExists(pidFile);
            return;
        }
        LOG.warning(() -> "Stopping PostgreSQL left running by a previous Berth (pid " + pid.getAsLong() + ") on "
                + dataDirectory);
        ProcessHandle process = orphan.get();
        process.destroy(); // SIGTERM: a smart shutdown; the dead Berth's connections are gone already
        try {
            process.onExit().get(ORPHAN_STOP_WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            process.destroyForcibly();
        }
    }

    /** The live postgres process named by the data directory's postmaster.pid. */
    private static Optional<ProcessHandle> postmaster(Path dataDirectory) {
        OptionalLong pid;
        try {
            pid = pidIn(dataDirectory.resolve("postmaster.pid"));
        } catch (IOException e) {
            return Optional.empty();
        }
        if (pid.isEmpty()) {
            return Optional.empty();
        }
        return ProcessHandle.of(pid.getAsLong())
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().map(c -> c.endsWith("/postgres")).orElse(false));
    }

    private static OptionalLong pidIn(Path pidFile) throws IOException {
        if (!Files.isRegularFile(pidFile)) {
            return OptionalLong.empty();
        }
        List<String> lines = Files.readAllLines(pidFile);
        if (lines.isEmpty()) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(lines.getFirst().trim()));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** Runs every {@link #SUPERVISION_INTERVAL}: restarts a dead postmaster, with a doubling delay between attempts. */
    private void supervise() {
        if (closed) {
            return;
        }
        ProcessHandle current = postmaster;
        if (downSinceNanos == null && (current == null || !current.isAlive())) {
            // not known yet, or a new postmaster already runs: never restart a live server
            current = postmaster(dataDirectory).orElse(current);
            postmaster = current;
        }
        if (downSinceNanos == null && current != null && current.isAlive()) {
            return;
        }
        ProcessHandle dead = current;
        long now = System.nanoTime();
        if (downSinceNanos == null) {
            downSinceNanos = now;
            nextAttemptNanos = now;
            LOG.severe(() -> "Embedded PostgreSQL (pid " + (dead == null ? "?" : dead.pid())
                    + ") is gone; restarting it on port " + port);
        }
        if (now - nextAttemptNanos < 0) {
            return;
        }
        try {
            restart();
            Duration down = Duration.ofNanos(System.nanoTime() - downSinceNanos);
            downSinceNanos = null;
            lastFailure = null;
            restartDelay = FIRST_RESTART_DELAY;
            LOG.warning(() -> String.format("Embedded PostgreSQL restarted (pid %s) after %.1f s down",
                    postmaster == null ? "?" : postmaster.pid(), down.toMillis() / 1000.0));
        } catch (IOException | RuntimeException e) {
            lastFailure = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            nextAttemptNanos = System.nanoTime() + restartDelay.toNanos();
            Duration delay = restartDelay;
            LOG.log(Level.WARNING, "Restarting the embedded PostgreSQL failed; next attempt in " + delay.toSeconds() + " s", e);
            restartDelay = restartDelay.multipliedBy(2).compareTo(LONGEST_RESTART_DELAY) > 0
                    ? LONGEST_RESTART_DELAY : restartDelay.multipliedBy(2);
        }
    }

    private void restart() throws IOException {
        try {
            server.close(); // releases zonky's lock; its pg_ctl stop finds nothing to stop
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "Closing the dead embedded PostgreSQL", e);
        }
        // a start that failed half-way keeps zonky's lock on that file forever: lock a fresh one
        Files.deleteIfExists(dataDirectory.resolve("epg-lock"));
        stopOrphanedServer(dataDirectory);
        if (closed) {
            return;
        }
        server = startServer(dataDirectory, binariesDirectory, port, password, startupWait);
        postmaster = postmaster(dataDirectory).orElse(null);
    }

    /**
     * Why this PostgreSQL is beyond its own recovery: empty while it runs or while restarts may still
     * bring it back ({@link #GIVE_UP_AFTER}).
     */
    public Optional<String> failure() {
        Long since = downSinceNanos;
        if (since == null) {
            return Optional.empty();
        }
        Duration down = Duration.ofNanos(System.nanoTime() - since);
        if (down.compareTo(giveUpAfter) < 0) {
            return Optional.empty();
        }
        return Optional.of("the embedded PostgreSQL has been down for " + down.toSeconds() + " s"
                + (lastFailure == null ? "" : ": " + lastFailure));
    }

    /** The durability settings as the running server reports them ({@code SHOW}), e.g. fsync=on. */
    public Map<String, String> durability() {
        Properties properties = new Properties();
        properties.setProperty("user", user());
        properties.setProperty("password", password);
        try (Connection connection = new org.postgresql.Driver().connect(jdbcUrl(), properties);
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT name, setting FROM pg_settings WHERE name IN ("
                     + DURABILITY_SETTINGS.stream().map(s -> "'" + s + "'").collect(Collectors.joining(",")) + ")")) {
            Map<String, String> settings = new LinkedHashMap<>();
            while (rows.next()) {
                settings.put(rows.getString(1), rows.getString(2));
            }
            return settings;
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read the embedded PostgreSQL's settings: " + e.getMessage(), e);
        }
    }

    private void logDurability() {
        Map<String, String> settings = durability();
        String text = DURABILITY_SETTINGS.stream().map(s -> s + "=" + settings.get(s)).collect(Collectors.joining(", "));
        if (DURABILITY_SETTINGS.stream().allMatch(s -> "on".equals(settings.get(s)))) {
            LOG.info(() -> "Embedded PostgreSQL runs durably: " + text);
        } else {
            LOG.severe(() -> "Embedded PostgreSQL does NOT run durably (" + text + "): acknowledged pushes may be lost"
                    + " on a crash or power loss");
        }
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    public String user() {
        return "postgres";
    }

    /** The superuser's password, also in {@link PostgresPassword#FILE} of the data directory (owner-only). */
    public String password() {
        return password;
    }

    public int port() {
        return port;
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    /** The running postmaster's PID, if there is one. */
    public OptionalLong postmasterPid() {
        ProcessHandle current = postmaster;
        return current == null ? OptionalLong.empty() : OptionalLong.of(current.pid());
    }

    @Override
    public void close() {
        closed = true;
        supervisor.shutdown();
        try {
            supervisor.awaitTermination(startupWait.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException("Embedded PostgreSQL did not stop cleanly: " + e.getMessage(), e);
        } finally {
            if (parentDeathWatch != null) {
                parentDeathWatch.close();
            }
        }
    }
}
