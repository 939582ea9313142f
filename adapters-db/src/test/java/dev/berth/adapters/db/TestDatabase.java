package dev.berth.adapters.db;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real PostgreSQL, migrated, for one test class:
 * {@code @RegisterExtension static final TestDatabase postgres = new TestDatabase();} gives the class a
 * database of its own before its {@code @BeforeAll} methods and drops it after its {@code @AfterAll}
 * methods. The databases are copies ({@code CREATE DATABASE ... TEMPLATE}) of one migrated once, on one
 * server that the first class starts, with its files under target/, and the test JVM stops at its exit:
 * unpacking the binaries, initdb, the server's start and the migrations are paid once per test run, not
 * per class. {@link #start(Path)} is for a test that manages a server of its own.
 */
final class TestDatabase implements BeforeAllCallback, AfterAllCallback, AutoCloseable {

    /**
     * The binaries every server of the test JVM runs from: zonky keeps the first extraction in a static
     * cache as long as its directory exists, and Berth looks for them where it asked zonky to put them.
     */
    static final Path BINARIES = Path.of("target", "postgres-tests", "binaries").toAbsolutePath();
    /** The database every class's is a copy of: migrated, and no connection left open to it. */
    private static final String TEMPLATE = "berth_template";
    private static final AtomicInteger DATABASES = new AtomicInteger();
    /** The run's server, started by the first class that asks. */
    private static EmbeddedPostgres shared;

    private Class<?> owner;
    /** The server of {@link #start(Path)}: this instance's own, stopped by {@link #close()}. */
    private EmbeddedPostgres server;
    /** The class's database on the run's server. */
    private String name;
    private String jdbcUrl;
    private String password;
    private MetadataDatabase database;

    /** @param directory a temporary directory for the data, removed by the caller */
    static TestDatabase start(Path directory) {
        TestDatabase test = new TestDatabase();
        test.server = EmbeddedPostgres.start(directory.resolve("data"), BINARIES, 0);
        try {
            test.open(test.server.jdbcUrl(), test.server.password());
        } catch (RuntimeException e) {
            test.server.close();
            throw e;
        }
        return test;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws SQLException {
        // @Nested classes call back too: they share the outer class's database
        if (owner != null) {
            return;
        }
        owner = context.getRequiredTestClass();
        EmbeddedPostgres run = shared();
        name = "test_" + DATABASES.incrementAndGet() + "_" + owner.getSimpleName().toLowerCase(Locale.ROOT);
        execute(run, "CREATE DATABASE " + name + " TEMPLATE " + TEMPLATE);
        open(url(run, name), run.password());
    }

    @Override
    public void afterAll(ExtensionContext context) throws SQLException {
        if (context.getRequiredTestClass() != owner) {
            return;
        }
        owner = null;
        try {
            close();
        } finally {
            execute(shared(), "DROP DATABASE " + name + " WITH (FORCE)");
        }
    }

    /** The run's server, with {@value #TEMPLATE} migrated: started at the first call, stopped when the JVM exits. */
    private static synchronized EmbeddedPostgres shared() {
        if (shared == null) {
            try {
                Path directory = Files.createTempDirectory(Files.createDirectories(BINARIES.getParent()), "shared-");
                EmbeddedPostgres server = EmbeddedPostgres.start(directory.resolve("data"), BINARIES, 0);
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    server.close();
                    delete(directory);
                }));
                execute(server, "CREATE DATABASE " + TEMPLATE);
                MetadataDatabase.open(settings(url(server, TEMPLATE), server.password(), 2,
                        SecretBox.ofBase64(SecretBox.newKey()))).close();
                shared = server;
            } catch (IOException | SQLException e) {
                throw new IllegalStateException("no PostgreSQL for the tests", e);
            }
        }
        return shared;
    }

    private static String url(EmbeddedPostgres server, String database) {
        return "jdbc:postgresql://127.0.0.1:" + server.port() + "/" + database;
    }

    /** One statement on the server's own database (CREATE and DROP DATABASE cannot run in a transaction). */
    private static void execute(EmbeddedPostgres server, String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(server.jdbcUrl(), server.user(), server.password());
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static DatabaseSettings settings(String jdbcUrl, String password, int maxPoolSize, SecretBox secrets) {
        String address = jdbcUrl.substring("jdbc:postgresql://".length());
        return new DatabaseSettings("embedded", address.substring(0, address.indexOf('/')), jdbcUrl, "postgres",
                password, maxPoolSize, secrets);
    }

    private void open(String jdbcUrl, String password) {
        this.jdbcUrl = jdbcUrl;
        this.password = password;
        database = MetadataDatabase.open(settings(jdbcUrl, password, 10, SecretBox.ofBase64(SecretBox.newKey())));
    }

    MetadataDatabase database() {
        return database;
    }

    /** Another pool on the same database, sealing with {@code secrets}; the caller closes it. */
    MetadataDatabase openWith(SecretBox secrets) {
        return MetadataDatabase.open(settings(jdbcUrl, password, 2, secrets));
    }

    /** Deletes all registry metadata; the installation row stays. */
    void empty() throws SQLException {
        try (Connection connection = database.dataSource().getConnection();
             Statement statement = connection.createStatement()) {
            // every other registry table references one of the first two
            statement.execute("TRUNCATE repository, blob, daily_activity, namespace_blob, namespace_usage, usage_change,"
                    + " retention_policy CASCADE");
            statement.execute("UPDATE retention_run SET last_started_at = NULL");
            // TRUNCATE fires no trigger: the registry's usage goes back to none by hand
            statement.execute("UPDATE registry_usage SET blob_count = 0, blob_bytes = 0");
            // garbage collection's queues reference nothing
            statement.execute("TRUNCATE gc_blob_review, gc_manifest_review, gc_blob_deletion, gc_orphan_candidate, gc_run");
            statement.execute("UPDATE gc_lease SET holder = NULL, until = NULL");
            connection.commit();
        }
    }

    @Override
    public void close() {
        try {
            if (database != null) {
                database.close();
                database = null;
            }
        } finally {
            if (server != null) {
                server.close();
                server = null;
            }
        }
    }

    private static void delete(Path directory) {
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
