package dev.berth.deploy.runtime;

import dev.berth.adapters.db.JpaTransactions;
import dev.berth.adapters.db.MetadataDatabase;
import dev.berth.adapters.db.PostgresActivityStore;
import dev.berth.adapters.db.PostgresBlobLinkStore;
import dev.berth.adapters.db.PostgresEventOutbox;
import dev.berth.adapters.db.PostgresMaintenanceStore;
import dev.berth.adapters.db.PostgresManifestStore;
import dev.berth.adapters.db.PostgresRepositoryCatalog;
import dev.berth.adapters.db.PostgresStorageUsageStore;
import dev.berth.adapters.db.PostgresTagStore;
import dev.berth.adapters.storage.distribution.DistributionDirectory;
import dev.berth.application.event.ActivityCounter;
import dev.berth.application.event.EventSource;
import dev.berth.application.event.RegistryEvents;
import dev.berth.application.maintenance.ImmutableTags;
import dev.berth.application.maintenance.MaintenanceMode;
import dev.berth.application.migration.ImportRegistry;
import dev.berth.application.port.BlobStore;
import dev.berth.application.port.MaintenanceStore;
import dev.berth.application.port.TagStore;
import dev.berth.application.port.Transactions;
import dev.berth.application.registry.PutManifest;
import dev.berth.application.registry.RegistrySettings;
import dev.berth.application.usage.QuotaGuard;
import dev.berth.deploy.config.BerthConfig;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * {@code berth.jar import-registry DIR [--dry-run] [--copy]}: imports a registry:2 storage directory
 * (deploy/docs/import-registry.md), printing each problem and what it imported; exits 0 when done,
 * 1 when some content was left out (each named), 2 when it could not run.
 */
final class ImportRegistryCommand {

    private ImportRegistryCommand() {
    }

    /**
     * @param argument "run" or "dry-run", then ",link" or ",copy", then ":" and the directory
     * @return the exit status
     */
    static int run(BerthConfig config, MetadataDatabase database, BlobStore storage, Clock clock, String argument) {
        boolean dryRun = argument.startsWith("dry-run");
        boolean copy = argument.substring(0, argument.indexOf(':')).endsWith(",copy");
        DistributionDirectory source = new DistributionDirectory(Path.of(argument.substring(argument.indexOf(':') + 1)));
        if (!source.exists()) {
            System.out.println("berth: " + source.location() + " holds no registry:2 storage (no repositories or blobs"
                    + " directory, nor a docker/registry/v2 one)");
            return 2;
        }
        MaintenanceStore maintenance = new PostgresMaintenanceStore(database);
        MaintenanceMode mode = new MaintenanceMode(maintenance, GarbageCollectionWorker.maintenanceSettings(config));
        if (!dryRun && mode.readOnly()) {
            System.out.println("berth: Berth is read-only (" + (mode.forcedByConfiguration()
                    ? "storage.maintenance.readonly" : "the admin switch") + "): nothing imported");
            return 2;
        }
        Instant start = clock.instant();
        ActivityCounter activity = new ActivityCounter(new PostgresActivityStore(database), clock);
        try {
            System.out.println("berth: importing " + source.location() + " into " + storage.driverName() + " "
                    + storage.location() + (dryRun ? " (dry run: changing nothing)" : copy ? ", copying blobs"
                    : ", hard-linking blobs where it can") + " ...");
            ImportRegistry.Report report = useCase(config, database, storage, clock, activity, maintenance, mode)
                    .run(source, dryRun, copy, line -> System.out.println("berth: " + line));
            long took = Duration.between(start, clock.instant()).toMillis();
            if (report.nothingToDo() && report.problems().isEmpty()) {
                System.out.println("berth: nothing to import: everything in " + source.location()
                        + " is in Berth already (" + took + " ms)");
            } else {
                System.out.println("berth: " + (dryRun ? "would import " : "imported ") + report.repositories()
                        + " repositories, " + report.manifests() + " manifests, " + report.tags() + " tags, "
                        + report.blobs() + " blobs (" + report.bytes() + " bytes" + (dryRun ? ""
                        : ": " + report.linked() + " hard-linked, " + report.copied() + " copied") + "), "
                        + report.blobLinks() + " blob links, in " + took + " ms");
            }
            if (!report.problems().isEmpty()) {
                System.out.println("berth: " + report.problems().size() + " problems, each named above: that content"
                        + " was left out; the rest " + (dryRun ? "would be" : "is") + " imported. A later run imports"
                        + " what has been repaired since.");
                return 1;
            }
            return 0;
        } catch (RuntimeException e) {
            System.out.println("berth: the import could not run: " + e.getMessage());
            return 2;
        } finally {
            activity.flush();
        }
    }

    /** The use case with its ports, as the server's CDI producers would wire it. */
    private static ImportRegistry useCase(BerthConfig config, MetadataDatabase database, BlobStore storage, Clock clock,
                                          ActivityCounter activity, MaintenanceStore maintenance,
                                          MaintenanceMode mode) {
        Transactions transactions = new JpaTransactions(database);
        TagStore tags = new PostgresTagStore(database);
        PostgresManifestStore manifests = new PostgresManifestStore(database);
        PostgresBlobLinkStore links = new PostgresBlobLinkStore(database);
        RegistrySettings settings = new RegistrySettings(config.storage().deleteEnabled(),
                RegistrySettings.DEFAULT_MAX_MANIFEST_BYTES, config.maxPageSize(), config.storage().redirect(),
                config.schemaOneEnabled());
        // the pushes are events like any other: webhooks hear of the imported manifests
        RegistryEvents events = new RegistryEvents(new PostgresEventOutbox(database), transactions,
                new EventSource(LocalHost.name() + ":" + config.http().port(), UUID.randomUUID().toString()), clock,
                activity);
        PutManifest putManifest = new PutManifest(new PostgresRepositoryCatalog(database), manifests, tags, links,
                transactions, settings, clock, events, mode, new ImmutableTags(maintenance, tags),
                new QuotaGuard(new PostgresStorageUsageStore(database)));
        return new ImportRegistry(storage, links, manifests, tags, putManifest, mode, settings);
    }
}
