package dev.berth.deploy.runtime;

import dev.berth.adapters.db.DatabaseSettings;
import dev.berth.adapters.db.EmbeddedPostgres;
import dev.berth.adapters.db.MetadataDatabase;
import dev.berth.adapters.db.SecretBox;
import dev.berth.deploy.config.BerthConfig;

import java.nio.file.Path;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The metadata database as configured, open and migrated: the embedded PostgreSQL started first
 * unless an external one is configured. The server and the operator commands open it the same way.
 */
final class RunningDatabase implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RunningDatabase.class.getName());

    private final MetadataDatabase metadata;
    private final DatabaseSettings settings;
    private final EmbeddedPostgres embedded;

    private RunningDatabase(MetadataDatabase metadata, DatabaseSettings settings, EmbeddedPostgres embedded) {
        this.metadata = metadata;
        this.settings = settings;
        this.embedded = embedded;
    }

    static RunningDatabase start(BerthConfig config) {
        BerthConfig.Database db = config.database();
        SecretBox secrets = db.secretsKey().map(SecretBox::ofBase64).orElseGet(() -> SecretBox.keyFile(db.secretsKeyFile()));
        if (!db.embedded()) {
            String url = db.url().orElseThrow();
            DatabaseSettings settings = new DatabaseSettings("external", url.replaceFirst("\\?.*$", ""), url, db.user(),
                    db.password(), db.maxPoolSize(), secrets);
            return new RunningDatabase(MetadataDatabase.open(settings), settings, null);
        }
        DatabaseHeadStart.await();
        EmbeddedPostgres embedded = EmbeddedPostgres.start(db.embeddedDirectory(), binaries(config), db.embeddedPort());
        DatabaseSettings settings = new DatabaseSettings("embedded",
                "127.0.0.1:" + embedded.port() + ", data in " + embedded.dataDirectory(),
                embedded.jdbcUrl(), embedded.user(), embedded.password(), db.maxPoolSize(), secrets);
        try {
            return new RunningDatabase(MetadataDatabase.open(settings), settings, embedded);
        } catch (RuntimeException e) {
            embedded.close();
            throw e;
        }
    }

    /** Where the embedded PostgreSQL's binaries are unpacked: {@code data/run/postgres-binaries}. */
    static Path binaries(BerthConfig config) {
        return config.dataDirectory().resolve("run").resolve("postgres-binaries");
    }

    MetadataDatabase metadata() {
        return metadata;
    }

    DatabaseSettings settings() {
        return settings;
    }

    /** The embedded PostgreSQL, when Berth runs one. */
    Optional<EmbeddedPostgres> embedded() {
        return Optional.ofNullable(embedded);
    }

    /** The connections first, then the embedded PostgreSQL, which then shuts down cleanly. */
    @Override
    public void close() {
        try {
            metadata.close();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Closing the metadata database failed", e);
        }
        if (embedded != null) {
            try {
                embedded.close();
                LOG.info("Embedded PostgreSQL stopped");
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Stopping embedded PostgreSQL failed", e);
            }
        }
    }
}
