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
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A real PostgreSQL, migrated, for one test class:
 * {@code @RegisterExtension static final TestDatabase postgres = new TestDatabase();} starts it before
 * the class's {@code @BeforeAll} methods and stops it, with its files under target/, after its
 * {@code @AfterAll} methods. {@link #start(Path)} is for a test that manages one itself.
 */
final class TestDatabase implements BeforeAllCallback, AfterAllCallback, AutoCloseable {

    private Class<?> owner;
    private Path directory;
    private EmbeddedPostgres server;
    private MetadataDatabase database;

    /** @param directory a temporary directory for the data and binaries, removed by the caller */
    static TestDatabase start(Path directory) {
        TestDatabase test = new TestDatabase();
        test.open(directory);
        return test;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        // @Nested classes call back too: they share the outer class's server
        if (owner != null) {
            return;
        }
        owner = context.getRequiredTestClass();
        directory = Files.createTempDirectory(Files.createDirectories(Path.of("target", "postgres-tests")
                .toAbsolutePath()), owner.getSimpleName() + "-");
        open(directory);
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (context.getRequiredTestClass() != owner) {
            return;
        }
        owner = null;
        try {
            close();
        } finally {
            try (Stream<Path> files = Files.walk(directory)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    private void open(Path directory) {
        server = EmbeddedPostgres.start(directory.resolve("data"), directory.resolve("binaries"), 0);
        try {
            database = MetadataDatabase.open(new DatabaseSettings("embedded",
                    "127.0.0.1:" + server.port(), server.jdbcUrl(), server.user(), server.password(), 10,
                    SecretBox.ofBase64(SecretBox.newKey())));
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    MetadataDatabase database() {
        return database;
    }

    /** Another pool on the same database, sealing with {@code secrets}; the caller closes it. */
    MetadataDatabase openWith(SecretBox secrets) {
        return MetadataDatabase.open(new DatabaseSettings("embedded", "127.0.0.1:" + server.port(), server.jdbcUrl(),
                server.user(), server.password(), 2, secrets));
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
        if (server == null) {
            return;
        }
        try {
            if (database != null) {
                database.close();
            }
        } finally {
            server.close();
            server = null;
        }
    }
}
