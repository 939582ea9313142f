package dev.berth.deploy.runtime;

import dev.berth.application.access.PruneAuditLog;
import dev.berth.application.access.PruneLoginFailures;
import dev.berth.application.system.ScheduledStorageStatus;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What runs on a schedule on every node so that requests stay cheap and tables bounded: the storage
 * probe behind the health checks (its own thread: a write that hangs on a dead store must not hold
 * up the rest), and the pruning of login failures past the throttling window and of audit events
 * past their retention. Every node doing it too is harmless: the deletes are idempotent.
 */
final class Housekeeping implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Housekeeping.class.getName());
    /** Readiness turns red at most this long (plus the failing write's own time) after the storage breaks. */
    static final Duration STORAGE_PROBE = Duration.ofSeconds(10);
    static final Duration PRUNE_LOGIN_FAILURES = Duration.ofMinutes(1);
    static final Duration PRUNE_AUDIT_LOG = Duration.ofHours(1);

    private final ScheduledExecutorService probe = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("berth-storage-probe").daemon().factory());
    private final ScheduledExecutorService prune = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("berth-housekeeping").daemon().factory());

    /** @param storage probed at start already: the first scheduled probe comes one interval later */
    Housekeeping(ScheduledStorageStatus storage, PruneLoginFailures loginFailures, PruneAuditLog auditLog) {
        long interval = storage.interval().toMillis();
        probe.scheduleWithFixedDelay(() -> guarded("Probing the storage", storage::probe), interval, interval,
                TimeUnit.MILLISECONDS);
        prune.scheduleWithFixedDelay(() -> guarded("Pruning login failures", loginFailures::prune),
                PRUNE_LOGIN_FAILURES.toMillis(), PRUNE_LOGIN_FAILURES.toMillis(), TimeUnit.MILLISECONDS);
        prune.scheduleWithFixedDelay(() -> guarded("Pruning the audit log", auditLog::prune),
                PRUNE_LOGIN_FAILURES.toMillis(), PRUNE_AUDIT_LOG.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** A failure (the database away, say) must not cancel the schedule: log it and try again next time. */
    private static void guarded(String what, Runnable work) {
        try {
            work.run();
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, what + " failed; retrying", e);
        }
    }

    @Override
    public void close() {
        probe.shutdownNow();
        prune.shutdownNow();
        try {
            if (!prune.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warning("Housekeeping did not stop within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
