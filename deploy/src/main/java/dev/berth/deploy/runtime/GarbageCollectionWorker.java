package dev.berth.deploy.runtime;

import dev.berth.adapters.db.MetadataDatabase;
import dev.berth.adapters.db.PostgresAuditLog;
import dev.berth.adapters.db.PostgresGarbageCollectionStore;
import dev.berth.adapters.db.PostgresMaintenanceStore;
import dev.berth.adapters.http.Metrics;
import dev.berth.application.gc.CollectGarbage;
import dev.berth.application.gc.GarbageCollectionSettings;
import dev.berth.application.maintenance.MaintenanceMode;
import dev.berth.application.maintenance.MaintenanceSettings;
import dev.berth.application.port.BlobStore;
import dev.berth.application.port.GarbageCollectionStore;
import dev.berth.application.port.GarbageCollectionStore.Run;
import dev.berth.deploy.config.BerthConfig;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Runs garbage collection on a schedule. Every node's worker tries when its interval is over; the
 * collector's lease in PostgreSQL lets one node run at a time (see {@link CollectGarbage}). Also
 * counts what every run (scheduled, command, admin UI) freed, for /metrics.
 */
final class GarbageCollectionWorker implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(GarbageCollectionWorker.class.getName());

    private final Schedule schedule = new Schedule("berth-garbage-collection");

    private GarbageCollectionWorker() {
    }

    /**
     * The collector the worker, the admin UI and the gc command run. Nothing is deleted while the
     * registry is read-only, by configuration or the admin switch.
     *
     * @param node this process in the collector's lease
     * @param finished told of each finished run
     */
    static CollectGarbage collector(BerthConfig config, MetadataDatabase database, BlobStore storage, Clock clock,
                                    String node, Consumer<Run> finished) {
        BerthConfig.Gc gc = config.gc();
        return new CollectGarbage(new PostgresGarbageCollectionStore(database), storage, new PostgresAuditLog(database),
                new GarbageCollectionSettings(gc.enabled(), gc.interval(), gc.reviewAfter(), gc.deleteUntagged(),
                        gc.orphanGrace()),
                new MaintenanceMode(new PostgresMaintenanceStore(database), maintenanceSettings(config))::readOnly,
                clock, node, finished);
    }

    static MaintenanceSettings maintenanceSettings(BerthConfig config) {
        BerthConfig.Maintenance m = config.storage().maintenance();
        return new MaintenanceSettings(m.readOnly(), m.purgeUploads(), m.purgeAge(), m.purgeInterval(), m.purgeDryRun());
    }

    /** e.g. "berth-1/6f1c…": the host, and this process among others on it. */
    static String nodeName() {
        return LocalHost.name() + "/" + UUID.randomUUID();
    }

    /** Starts the schedule: the first run one interval after start. */
    static GarbageCollectionWorker every(Duration interval, CollectGarbage collect, boolean deleteUntagged) {
        GarbageCollectionWorker worker = new GarbageCollectionWorker();
        worker.schedule.every(interval, interval, "Collecting garbage",
                () -> collect.collectInBackground(deleteUntagged));
        return worker;
    }

    /** The queue gauges, read from the database at each scrape. */
    static void registerGauges(DatabaseGauges gauges, GarbageCollectionStore store, Clock clock) {
        gauges.gauge("berth_gc_queue_length", "Entries waiting for garbage collection review (all nodes), by queue",
                () -> {
                    GarbageCollectionStore.QueueStatus status = store.queueStatus();
                    return Map.of(Metrics.Labels.of("queue", "blob"), (double) status.blobs(),
                            Metrics.Labels.of("queue", "manifest"), (double) status.manifests(),
                            Metrics.Labels.of("queue", "deletion"), (double) status.pendingDeletions());
                });
        gauges.gauge("berth_gc_queue_oldest_seconds", "Age of the oldest entry in the review queues",
                () -> Map.of(Metrics.Labels.of(), store.queueStatus().oldest()
                        .map(t -> Duration.between(t, clock.instant()).toMillis() / 1000.0).orElse(0.0)));
    }

    /** Counts a finished run. */
    static void count(Metrics metrics, Run run) {
        Metrics.Labels none = Metrics.Labels.of();
        metrics.count("berth_gc_runs_total", "Garbage collection runs, by result",
                Metrics.Labels.of("result", run.skipped().isPresent() ? "skipped" : run.dryRun() ? "dry-run" : "done"), 1);
        metrics.observeSeconds("berth_gc_run_seconds", "Duration of garbage collection runs", none,
                Duration.between(run.startedAt(), run.finishedAt()).toNanos());
        if (run.dryRun() || run.skipped().isPresent()) {
            return;
        }
        metrics.count("berth_gc_blobs_reviewed_total", "Blobs garbage collection reviewed", none, run.blobsReviewed());
        metrics.count("berth_gc_blobs_freed_total", "Blobs garbage collection deleted, by kind (unreferenced, orphan)",
                Metrics.Labels.of("kind", "unreferenced"), run.blobsFreed());
        metrics.count("berth_gc_blobs_freed_total", "Blobs garbage collection deleted, by kind (unreferenced, orphan)",
                Metrics.Labels.of("kind", "orphan"), run.orphansFreed());
        metrics.count("berth_gc_bytes_freed_total", "Bytes garbage collection deleted from storage, by kind",
                Metrics.Labels.of("kind", "unreferenced"), run.bytesFreed());
        metrics.count("berth_gc_bytes_freed_total", "Bytes garbage collection deleted from storage, by kind",
                Metrics.Labels.of("kind", "orphan"), run.orphanBytes());
        metrics.count("berth_gc_manifests_freed_total", "Untagged manifests garbage collection deleted", none,
                run.manifestsFreed());
        if (run.blobsFreed() + run.orphansFreed() + run.manifestsFreed() > 0) {
            LOG.info(() -> "Garbage collection freed " + describe(run));
        }
    }

    /** e.g. "3 blobs (1200 bytes), 1 orphan (50 bytes), 2 untagged manifests". */
    static String describe(Run run) {
        return run.blobsFreed() + " blobs (" + run.bytesFreed() + " bytes), " + run.orphansFreed() + " orphans ("
                + run.orphanBytes() + " bytes), " + run.manifestsFreed() + " untagged manifests, of "
                + run.blobsReviewed() + " blobs reviewed";
    }

    @Override
    public void close() {
        schedule.close();
    }
}
