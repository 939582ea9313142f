package dev.berth.deploy.runtime;

import dev.berth.adapters.http.Metrics;
import dev.berth.application.gc.CollectGarbage;
import dev.berth.application.port.GarbageCollectionStore;
import dev.berth.application.port.GarbageCollectionStore.Run;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Runs garbage collection on a schedule, on one node at a time: each node tries to take the lease in
 * PostgreSQL when its interval is over, and only the holder runs. A holder that dies loses the lease
 * when it expires. Also counts what runs (scheduled, command, admin UI) freed, for /metrics.
 */
final class GarbageCollectionWorker implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(GarbageCollectionWorker.class.getName());
    /** Longer than any run should take; a crashed holder blocks the others this long at most. */
    static final Duration LEASE = Duration.ofHours(1);

    private final CollectGarbage collect;
    private final GarbageCollectionStore store;
    private final Metrics metrics;
    private final Clock clock;
    private final String node;
    private final boolean deleteUntagged;
    private final Schedule schedule = new Schedule("berth-garbage-collection");

    GarbageCollectionWorker(CollectGarbage collect, GarbageCollectionStore store, Metrics metrics, Clock clock,
                            String node, boolean deleteUntagged) {
        this.collect = collect;
        this.store = store;
        this.metrics = metrics;
        this.clock = clock;
        this.node = node;
        this.deleteUntagged = deleteUntagged;
        metrics.gauge("berth_gc_queue_length", "Entries waiting for garbage collection review (all nodes), by queue",
                () -> {
                    GarbageCollectionStore.QueueStatus status = store.queueStatus();
                    return Map.of(Metrics.Labels.of("queue", "blob"), (double) status.blobs(),
                            Metrics.Labels.of("queue", "manifest"), (double) status.manifests(),
                            Metrics.Labels.of("queue", "deletion"), (double) status.pendingDeletions());
                });
        metrics.gauge("berth_gc_queue_oldest_seconds", "Age of the oldest entry in the review queues",
                () -> Map.of(Metrics.Labels.of(), store.queueStatus().oldest()
                        .map(t -> Duration.between(t, clock.instant()).toMillis() / 1000.0).orElse(0.0)));
    }

    /** Starts the schedule: the first run one interval after start. */
    GarbageCollectionWorker every(Duration interval) {
        schedule.every(interval, interval, "Collecting garbage", this::runIfLeader);
        return this;
    }

    private void runIfLeader() {
        run("system", false, deleteUntagged);
    }

    /**
     * One run under the lease, from the schedule, the command or the admin UI.
     *
     * @return the run, or empty when another node runs one now
     */
    Optional<Run> run(String startedBy, boolean dryRun, boolean untagged) {
        if (!store.tryLease(node, clock.instant(), LEASE)) {
            return Optional.empty();
        }
        try {
            Run run = collect.collect(startedBy, dryRun, untagged);
            count(run);
            return Optional.of(run);
        } finally {
            store.releaseLease(node);
        }
    }

    private void count(Run run) {
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

    /** Condemned content whose bytes are still in storage. */
    long pendingDeletions() {
        return store.queueStatus().pendingDeletions();
    }

    @Override
    public void close() {
        schedule.close();
    }
}
