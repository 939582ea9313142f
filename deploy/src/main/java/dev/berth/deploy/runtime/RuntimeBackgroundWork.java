package dev.berth.deploy.runtime;

import dev.berth.adapters.db.JpaTransactions;
import dev.berth.adapters.db.MetadataDatabase;
import dev.berth.adapters.db.PostgresAuditLog;
import dev.berth.adapters.db.PostgresLoginFailures;
import dev.berth.adapters.db.PostgresMaintenanceStore;
import dev.berth.adapters.db.PostgresRetentionStore;
import dev.berth.adapters.db.PostgresUploadSessionStore;
import dev.berth.adapters.http.Metrics;
import dev.berth.application.access.AccessSettings;
import dev.berth.application.access.AuditRetention;
import dev.berth.application.access.PruneAuditLog;
import dev.berth.application.access.PruneLoginFailures;
import dev.berth.application.gc.CollectGarbage;
import dev.berth.application.maintenance.MaintenanceMode;
import dev.berth.application.maintenance.MaintenanceSettings;
import dev.berth.application.maintenance.PurgeAbandonedUploads;
import dev.berth.application.port.BlobStore;
import dev.berth.application.retention.ApplyRetention;
import dev.berth.application.retention.RunScheduledRetention;
import dev.berth.application.system.ScheduledStorageStatus;
import dev.berth.deploy.config.BerthConfig;

import java.time.Clock;
import java.util.function.Supplier;

/**
 * Start-up area "background work": the schedules of a serving node, namely retention, housekeeping
 * (storage probe, pruning login failures and the audit log), garbage collection and upload purging.
 */
final class RuntimeBackgroundWork {

    /** This node's name in the garbage collector's lease. */
    private String gcNode;
    private RetentionWorker retention;
    private Housekeeping housekeeping;
    private GarbageCollectionWorker garbageCollection;
    private UploadPurging uploadPurging;

    /** What the schedules need from the other areas. */
    record Needs(BerthConfig config, MaintenanceSettings maintenance, MetadataDatabase database, BlobStore blobStore,
                 ScheduledStorageStatus storageProbe, Supplier<ApplyRetention> applyRetention,
                 AccessSettings accessSettings, AuditRetention auditRetention, Supplier<CollectGarbage> collectGarbage,
                 Metrics metrics, Clock clock) {
    }

    void start(Needs needs) {
        BerthConfig config = needs.config();
        MaintenanceSettings maintenance = needs.maintenance();
        MetadataDatabase database = needs.database();
        Clock clock = needs.clock();
        gcNode = GarbageCollectionWorker.nodeName();
        retention = new RetentionWorker(new RunScheduledRetention(new PostgresRetentionStore(database),
                needs.applyRetention(), new MaintenanceMode(new PostgresMaintenanceStore(database), maintenance),
                new JpaTransactions(database), config.retention().interval(), clock),
                config.retention().interval());
        housekeeping = new Housekeeping(needs.storageProbe(),
                new PruneLoginFailures(new PostgresLoginFailures(database), needs.accessSettings(), clock),
                new PruneAuditLog(new PostgresAuditLog(database), needs.auditRetention(), clock));
        if (config.gc().enabled()) {
            garbageCollection = GarbageCollectionWorker.every(config.gc().interval(), needs.collectGarbage().get(),
                    config.gc().deleteUntagged());
        }
        if (maintenance.purgeUploads()) {
            uploadPurging = new UploadPurging(new PurgeAbandonedUploads(new PostgresUploadSessionStore(database),
                    needs.blobStore(), new PostgresMaintenanceStore(database),
                    new MaintenanceMode(new PostgresMaintenanceStore(database), maintenance), maintenance, clock),
                    maintenance.purgeInterval(), needs.metrics());
        }
    }

    /** Null before {@link #start}: the collector reads it when it takes the lease. */
    String gcNode() {
        return gcNode;
    }

    void stop() {
        if (garbageCollection != null) {
            garbageCollection.close();
            garbageCollection = null;
        }
        if (retention != null) {
            retention.close();
            retention = null;
        }
        if (housekeeping != null) {
            housekeeping.close();
            housekeeping = null;
        }
        if (uploadPurging != null) {
            uploadPurging.close();
            uploadPurging = null;
        }
    }
}
