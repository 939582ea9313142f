package dev.berth.deploy.runtime;

import dev.berth.adapters.db.EmbeddedPostgres;
import dev.berth.adapters.db.MetadataDatabase;
import dev.berth.adapters.db.PostgresDatabaseStatus;
import dev.berth.adapters.db.SealPlainSecrets;
import dev.berth.application.system.DatabaseStatus;
import dev.berth.application.system.LivenessStatus;
import dev.berth.deploy.config.BerthConfig;

import java.util.Optional;

/** Start-up area "database": PostgreSQL (embedded unless configured), migrated, listened to, secrets sealed. */
final class RuntimeDatabase {

    private RunningDatabase running;
    private volatile MetadataDatabase metadata;

    void start(BerthConfig config) {
        running = RunningDatabase.start(config);
        metadata = running.metadata();
        // manifests and event filters kept in memory, coherent through PostgreSQL's notifications
        metadata.listenForChanges();
        int sealed = new SealPlainSecrets(metadata).run();
        if (sealed > 0) {
            BerthRuntime.LOG.info("Sealed " + sealed + " secrets an earlier version kept in plain text in the database");
        }
    }

    /**
     * Payara runs the health checks while the application deploys, before boot has opened the
     * database: a producer asked that early must fail (Weld then keeps nothing) rather than hand out
     * an adapter around null that its scope would keep for good.
     */
    MetadataDatabase metadata() {
        return BerthRuntime.booted(metadata);
    }

    /** The key id that seals the secrets kept in the database. */
    String secretsKeyId() {
        return running.settings().secrets().keyId();
    }

    /** Health: "starting" (not ready) until the database is opened. */
    DatabaseStatus status() {
        return () -> {
            MetadataDatabase opened = metadata;
            return opened == null
                    ? new DatabaseStatus.DatabaseReport(BerthRuntime.STARTING, "", false, null, null, BerthRuntime.STARTING)
                    : new PostgresDatabaseStatus(opened).report();
        };
    }

    /** Not live only when the embedded PostgreSQL stays down despite its supervisor's restarts. */
    LivenessStatus liveness() {
        return () -> {
            RunningDatabase opened = running;
            return opened == null ? Optional.empty() : opened.embedded().flatMap(EmbeddedPostgres::failure);
        };
    }

    void stop() {
        if (running != null) {
            running.close();
            running = null;
            metadata = null;
        }
    }
}
