package dev.berth.application.gc;

import dev.berth.application.access.Administration;
import dev.berth.application.port.AuditLog;
import dev.berth.application.port.BlobStore;
import dev.berth.application.port.GarbageCollectionStore;
import dev.berth.application.port.GarbageCollectionStore.BlobVerdict;
import dev.berth.application.port.GarbageCollectionStore.Condemned;
import dev.berth.application.port.GarbageCollectionStore.QueuedManifest;
import dev.berth.application.port.GarbageCollectionStore.Run;
import dev.berth.application.port.GarbageCollectionStore.Verdict;
import dev.berth.domain.Digest;
import dev.berth.domain.access.Caller;
import dev.berth.domain.error.DeniedException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Use case: one garbage collection run. Reviews the due queue entries (untagged manifests first when
 * the policy asks, as their deletion frees layers), deletes the bytes of what the reviews condemned
 * (and of what a crashed run condemned), then sweeps storage for orphans: content with no blob row,
 * older than the grace period. Every deletion is audited with its reason. Nothing is deleted while
 * the registry is read-only. The database row always goes first and the bytes after, so a crash in
 * between leaves bytes the next run deletes, never a row without bytes. One run at a time across
 * nodes: a run first takes the collector's lease in the metadata database.
 */
public class CollectGarbage {

    private static final Logger LOG = Logger.getLogger(CollectGarbage.class.getName());
    static final String ACTION = "gc-delete";
    private static final int BATCH = 500;
    /** How long a finished deletion is remembered for uploads completing for the same digest. */
    static final Duration DELETIONS_REMEMBERED = Duration.ofDays(1);
    /**
     * How long the lease lasts unless renewed, which a run does between batches: a node that dies
     * mid-run blocks the others this long at most.
     */
    public static final Duration LEASE = Duration.ofMinutes(2);

    private final GarbageCollectionStore store;
    private final BlobStore blobs;
    private final AuditLog audit;
    private final GarbageCollectionSettings settings;
    private final BooleanSupplier readOnly;
    private final Clock clock;
    private final String node;
    private final Consumer<Run> finished;
    private final LongConsumer rest;

    /**
     * @param node     this node's name in the lease
     * @param finished told of every run that ends (metrics)
     */
    public CollectGarbage(GarbageCollectionStore store, BlobStore blobs, AuditLog audit,
                          GarbageCollectionSettings settings, BooleanSupplier readOnly, Clock clock, String node,
                          Consumer<Run> finished) {
        this(store, blobs, audit, settings, readOnly, clock, node, finished, CollectGarbage::sleep);
    }

    /** @param rest pauses a run beside the registry's traffic for so many nanoseconds (tests watch it) */
    public CollectGarbage(GarbageCollectionStore store, BlobStore blobs, AuditLog audit, GarbageCollectionSettings settings,
                   BooleanSupplier readOnly, Clock clock, String node, Consumer<Run> finished, LongConsumer rest) {
        this.rest = rest;
        this.store = store;
        this.blobs = blobs;
        this.audit = audit;
        this.settings = settings;
        this.readOnly = readOnly;
        this.clock = clock;
        this.node = node;
        this.finished = finished;
    }

    /**
     * An administrator's "run now": the configured policy, for real.
     *
     * @param progress filled in as the run goes, for the administrator to watch
     */
    public Optional<Run> collectNow(Caller caller, GarbageCollectionProgress progress) {
        if (!caller.admin()) {
            throw new DeniedException(caller.name() + " is not an administrator");
        }
        return collect(caller.name(), false, settings.deleteUntagged(), progress, true);
    }

    /** The scheduled worker's run, beside the registry's traffic: paced. */
    public Optional<Run> collectInBackground(boolean deleteUntagged) {
        return collect(Administration.SYSTEM.name(), false, deleteUntagged, new GarbageCollectionProgress(), true);
    }

    /** The gc command's run, at full speed: the operator asked for it and waits for it. */
    public Optional<Run> collect(String startedBy, boolean dryRun, boolean deleteUntagged) {
        return collect(startedBy, dryRun, deleteUntagged, new GarbageCollectionProgress(), false);
    }

    /**
     * @param startedBy      who asked, as the audit log names it: {@code system}, or an admin's name
     * @param dryRun         count what would be freed, change nothing
     * @param deleteUntagged the untagged policy for this run (the setting, or the command's flag)
     * @param progress       filled in as the run goes
     * @param paced          rest after each batch as long as it took: a run beside the registry's traffic
     *                       then takes at most half of the time (and of the CPU and disk) it could
     * @return the run, or empty when another node is collecting now
     */
    Optional<Run> collect(String startedBy, boolean dryRun, boolean deleteUntagged,
                          GarbageCollectionProgress progress, boolean paced) {
        if (!store.tryLease(node, clock.instant(), LEASE)) {
            return Optional.empty();
        }
        try {
            Run run = collectUnderLease(startedBy, dryRun, deleteUntagged, progress, new Pace(paced));
            progress.enter(GarbageCollectionProgress.Phase.DONE);
            finished.accept(run);
            return Optional.of(run);
        } finally {
            release();
        }
    }

    /** Also when the worker is being stopped: an interrupted thread gets no database connection. */
    private void release() {
        boolean interrupted = Thread.interrupted();
        try {
            store.releaseLease(node);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Renews the lease between batches, after resting when the run is paced; a run that lost it (paused
     * past its end) stops.
     */
    private boolean leaseLost(Pace pace) {
        pace.batchDone();
        return !store.tryLease(node, clock.instant(), LEASE);
    }

    /** Rests after each batch as long as the batch took, when asked to. */
    private final class Pace {
        private final boolean paced;
        private long batchStarted = System.nanoTime();

        Pace(boolean paced) {
            this.paced = paced;
        }

        void batchDone() {
            if (paced) {
                rest.accept(System.nanoTime() - batchStarted);
            }
            batchStarted = System.nanoTime();
        }
    }

    private static void sleep(long nanos) {
        try {
            Thread.sleep(Duration.ofNanos(nanos));
        } catch (InterruptedException e) {
            // a worker being stopped: the run stops at its next decision
            Thread.currentThread().interrupt();
        }
    }

    private Run collectUnderLease(String startedBy, boolean dryRun, boolean deleteUntagged,
                                  GarbageCollectionProgress tally, Pace pace) {
        Instant started = clock.instant();
        if (readOnly.getAsBoolean()) {
            Run run = new Run(started, started, startedBy, dryRun, 0, 0, 0, 0, 0, 0,
                    Optional.of("the registry is read-only"));
            store.recordRun(run);
            return run;
        }
        Instant due = started.minus(settings.reviewAfter());
        // also without the untagged policy: entries of manifests kept or gone leave the queue
        reviewManifests(due, deleteUntagged, dryRun, startedBy, tally, pace);
        reviewBlobs(due, dryRun, startedBy, tally, pace);
        if (!dryRun) {
            deletePending(startedBy, tally, pace);
        }
        sweepOrphans(started, dryRun, startedBy, tally, pace);
        if (!dryRun) {
            store.pruneDeletions(started.minus(DELETIONS_REMEMBERED));
        }
        Run run = new Run(started, clock.instant(), startedBy, dryRun, tally.reviewed, tally.blobs, tally.bytes,
                tally.manifests, tally.orphans, tally.orphanBytes, Optional.empty());
        store.recordRun(run);
        return run;
    }

    private void reviewManifests(Instant due, boolean deleteUntagged, boolean dryRun, String startedBy,
                                 GarbageCollectionProgress tally, Pace pace) {
        tally.enter(GarbageCollectionProgress.Phase.REVIEWING_MANIFESTS);
        Optional<QueuedManifest> after = Optional.empty();
        for (List<QueuedManifest> page = store.dueManifests(due, after, BATCH); !page.isEmpty();
             page = store.dueManifests(due, after, BATCH)) {
            for (QueuedManifest manifest : page) {
                if (stopping()) {
                    return;
                }
                if (store.reviewManifest(manifest, due, deleteUntagged, dryRun) == Verdict.COLLECTED) {
                    tally.manifests++;
                    if (!dryRun) {
                        audited(startedBy, manifest.repository().value() + "@" + manifest.digest(),
                                "untagged manifest deleted: no tag, no index and no kept subject references it");
                    }
                }
            }
            after = Optional.of(page.getLast());
            if (leaseLost(pace)) {
                return;
            }
        }
    }

    private void reviewBlobs(Instant due, boolean dryRun, String startedBy, GarbageCollectionProgress tally,
                             Pace pace) {
        tally.enter(GarbageCollectionProgress.Phase.REVIEWING_BLOBS);
        Optional<Digest> after = Optional.empty();
        for (List<Digest> page = store.dueBlobs(due, after, BATCH); !page.isEmpty();
             page = store.dueBlobs(due, after, BATCH)) {
            for (Digest digest : page) {
                if (stopping()) {
                    return;
                }
                BlobVerdict verdict = store.reviewBlob(digest, due, dryRun);
                if (verdict.verdict() != Verdict.NOT_DUE) {
                    tally.reviewed++;
                }
                if (verdict.verdict() == Verdict.COLLECTED && dryRun) {
                    tally.blobs++;
                    tally.bytes += verdict.size();
                }
            }
            after = Optional.of(page.getLast());
            if (leaseLost(pace)) {
                return;
            }
        }
    }

    /** The bytes of what reviews condemned, this run's and any a crash left. */
    private void deletePending(String startedBy, GarbageCollectionProgress tally, Pace pace) {
        tally.enter(GarbageCollectionProgress.Phase.DELETING);
        List<Condemned> failed = new ArrayList<>();
        for (List<Condemned> page = store.pendingDeletions(BATCH); !page.isEmpty() && !stopping();
             page = store.pendingDeletions(BATCH)) {
            boolean progress = false;
            for (Condemned condemned : page) {
                if (failed.contains(condemned)) {
                    continue;
                }
                progress = true;
                try {
                    if (store.deleteContent(condemned.digest(), blobs::delete)) {
                        boolean orphan = condemned.reason().equals(GarbageCollectionStore.ORPHAN_REASON);
                        if (orphan) {
                            tally.orphans++;
                            tally.orphanBytes += condemned.size();
                        } else {
                            tally.blobs++;
                            tally.bytes += condemned.size();
                        }
                        audited(startedBy, condemned.digest().toString(),
                                condemned.reason() + "; " + condemned.size() + " bytes freed");
                    }
                } catch (IOException | RuntimeException e) {
                    // the row is gone already: the bytes stay condemned and the next run tries again
                    LOG.log(Level.WARNING, "Garbage collection could not delete " + condemned.digest(), e);
                    failed.add(condemned);
                }
            }
            if (!progress || leaseLost(pace)) {
                return;
            }
        }
    }

    private void sweepOrphans(Instant started, boolean dryRun, String startedBy, GarbageCollectionProgress tally,
                              Pace pace) {
        tally.enter(GarbageCollectionProgress.Phase.SWEEPING_ORPHANS);
        Instant graceOver = started.minus(settings.orphanGrace());
        try (Stream<Digest> content = blobs.listContent()) {
            List<Digest> batch = new ArrayList<>(BATCH);
            var it = content.iterator();
            while (it.hasNext() && !stopping()) {
                batch.add(it.next());
                if (batch.size() == BATCH || !it.hasNext()) {
                    List<Digest> unrecorded = store.unrecorded(List.copyOf(batch));
                    batch.clear();
                    if (leaseLost(pace)) {
                        return;
                    }
                    if (unrecorded.isEmpty()) {
                        continue;
                    }
                    // a dry run notes them too: that deletes nothing, and the grace period starts
                    for (Digest orphan : store.noteOrphans(unrecorded, started, graceOver)) {
                        OptionalLong size = blobs.size(orphan);
                        if (size.isEmpty()) {
                            continue;
                        }
                        if (dryRun) {
                            tally.orphans++;
                            tally.orphanBytes += size.getAsLong();
                        } else if (store.condemnOrphan(orphan, size.getAsLong())) {
                            tally.orphanCondemned = true;
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("listing the storage for orphans failed", e);
        }
        if (!dryRun) {
            store.forgetOrphansNotSeenSince(started);
            if (tally.orphanCondemned) {
                deletePending(startedBy, tally, pace);
            }
        }
    }

    private void audited(String startedBy, String target, String reason) {
        audit.record(new AuditLog.Event(clock.instant(), startedBy, Administration.LOCAL, ACTION, target, true,
                reason));
    }

    /** A worker being shut down stops between decisions; each decision is whole. */
    private static boolean stopping() {
        return Thread.currentThread().isInterrupted();
    }
}
