package dev.berth.deploy.runtime;

import dev.berth.adapters.db.EmbeddedPostgres;
import dev.berth.deploy.config.BerthConfig;
import dev.berth.deploy.config.ConfigLoader;

import java.nio.file.Path;
import java.util.logging.Logger;

/**
 * The embedded PostgreSQL's slow first steps, taken while Payara Micro boots: on a fresh data directory,
 * unpacking its binaries (an xz archive) and initdb took a tenth of Berth's start-up, in line after
 * Payara's deployment. berth.jar's launcher calls {@link #begin} in a class loader of the application's
 * classes (as for the operator commands) before it starts Payara; the runtime's start of the database
 * waits for that thread ({@link #await}), then finds the binaries and the data directory ready. A head
 * start that fails changes nothing: the runtime's start does the same steps and reports what fails.
 */
public final class DatabaseHeadStart {

    private static final Logger LOG = Logger.getLogger(DatabaseHeadStart.class.getName());
    static final String THREAD = "berth-database-head-start";

    private DatabaseHeadStart() {
    }

    /**
     * Starts the head start on a thread of its own and returns at once; nothing to do unless Berth runs
     * the embedded PostgreSQL.
     *
     * @return the thread's name, or "" when there is none
     */
    public static String begin() {
        BerthConfig config = ConfigLoader.load(ConfigLoader.locate(null, System.getenv()), System.getenv());
        if (!config.database().embedded()) {
            return "";
        }
        Path data = config.database().embeddedDirectory();
        Path binaries = RunningDatabase.binaries(config);
        Thread.ofPlatform().name(THREAD).daemon().start(() -> {
            try {
                EmbeddedPostgres.prepare(data, binaries);
            } catch (RuntimeException e) {
                // the runtime's start takes the same steps next and reports what fails there
                LOG.warning(() -> "Preparing the embedded PostgreSQL ahead of the start failed: " + e.getMessage());
            }
        });
        return THREAD;
    }

    /** Waits for the launcher's head start, if one runs: it and the runtime must not start PostgreSQL at once. */
    static void await() {
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().equals(THREAD)) {
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("Interrupted while the embedded PostgreSQL was being prepared", e);
                }
            }
        }
    }
}
