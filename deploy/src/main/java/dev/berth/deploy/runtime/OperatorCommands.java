package dev.berth.deploy.runtime;

import dev.berth.adapters.db.MetadataDatabase;
import dev.berth.adapters.db.PostgresGarbageCollectionStore;
import dev.berth.adapters.db.SealPlainSecrets;
import dev.berth.adapters.http.security.BcryptPasswordHasher;
import dev.berth.application.port.BlobStore;
import dev.berth.application.port.PasswordHasher;
import dev.berth.application.system.BlobStoreStatus;
import dev.berth.application.system.StorageStatus;
import dev.berth.deploy.config.BerthConfig;
import dev.berth.deploy.config.ConfigLoader;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * The operator commands ({@code users import-htpasswd}, {@code check}, {@code gc},
 * {@code import-registry}) without the web
 * container: berth.jar's launcher calls {@link #run} in a class loader of the application's classes,
 * so that a command takes seconds where booting Payara took half a minute. Each opens what it needs
 * of storage and the metadata database exactly as the server does (the embedded PostgreSQL started,
 * the schema migrated, the initial admin created), does its work, and closes them again.
 */
public final class OperatorCommands {

    public static final String IMPORT_HTPASSWD = "import-htpasswd";
    public static final String CHECK = "check";
    public static final String GC = "gc";
    public static final String IMPORT_REGISTRY = "import-registry";

    private OperatorCommands() {
    }

    /**
     * @param command  {@value #IMPORT_HTPASSWD}, {@value #CHECK}, {@value #GC} or {@value #IMPORT_REGISTRY}
     * @param argument the htpasswd file; check's "verify"/"sizes" and ",repair"; gc's "dry-run"/"run"
     *                 and ",delete-untagged"; import-registry's "dry-run"/"run", ",link"/",copy", ":" and
     *                 the directory
     * @return the exit status: each command's own, 2 when it could not run at all
     */
    public static int run(String command, String argument) {
        try {
            return open(command, argument);
        } catch (RuntimeException e) {
            System.out.println("berth: " + command + " could not run: " + e.getMessage());
            return 2;
        }
    }

    private static int open(String command, String argument) {
        Clock clock = Clock.tick(Clock.systemUTC(), Duration.ofNanos(1000));
        BerthConfig config = ConfigLoader.load(ConfigLoader.locate(null, System.getenv()), System.getenv());
        BlobStore storage = null;
        if (!command.equals(IMPORT_HTPASSWD)) {
            storage = BlobStores.open(config.storage().driver(), clock);
            StorageStatus.StorageReport report = new BlobStoreStatus(storage).report();
            if (!report.writable()) {
                System.out.println("berth: storage " + report.driver() + " at " + report.location()
                        + " does not accept writes: " + report.problem());
                return 2;
            }
        }
        try (RunningDatabase running = RunningDatabase.start(config)) {
            MetadataDatabase database = running.metadata();
            new SealPlainSecrets(database).run();
            PasswordHasher hasher = new BcryptPasswordHasher(config.auth().bcryptCost());
            Access.prepare(config, database, hasher, clock);
            System.out.println("berth: " + (storage == null ? "" : "storage " + storage.driverName() + " "
                    + storage.location() + ", ") + "database " + running.settings().mode() + " "
                    + running.settings().location());
            return switch (command) {
                case IMPORT_HTPASSWD -> Access.importHtpasswdCommand(config, database, hasher, clock, Path.of(argument));
                case CHECK -> CheckCommand.run(database, storage, argument.startsWith("verify"),
                        argument.endsWith(",repair"));
                case GC -> GarbageCollectionCommand.run(
                        GarbageCollectionWorker.collector(config, database, storage, clock,
                                GarbageCollectionWorker.nodeName(), run -> { }),
                        new PostgresGarbageCollectionStore(database), config.gc(), argument.startsWith("dry-run"),
                        argument.endsWith(",delete-untagged"));
                case IMPORT_REGISTRY -> ImportRegistryCommand.run(config, database, storage, clock, argument);
                default -> throw new IllegalArgumentException("unknown command " + command);
            };
        }
    }
}
