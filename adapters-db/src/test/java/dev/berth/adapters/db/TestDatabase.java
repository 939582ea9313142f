package dev.berth.adapters.db;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** A real PostgreSQL, migrated, for one test class: start it in @BeforeAll, close it in @AfterAll. */
final class TestDatabase implements AutoCloseable {

    private final EmbeddedPostgres server;
    private final MetadataDatabase database;

    private TestDatabase(EmbeddedPostgres server, MetadataDatabase database) {
        this.server = server;
        this.database = database;
    }

    /** @param directory a temporary directory for the data and binaries, removed by the caller */
    static TestDatabase start(Path directory) {
        EmbeddedPostgres server = EmbeddedPostgres.start(directory.resolve("data"), directory.resolve("binaries"), 0);
        try {
            return new TestDatabase(server, MetadataDatabase.open(new DatabaseSettings("embedded",
                    "127.0.0.1:" + server.port(), server.jdbcUrl(), server.user(), server.password(), 10,
                    SecretBox.ofBase64(SecretBox.newKey()))));
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
        try {
            database.close();
        } finally {
            server.close();
        }
    }
}
