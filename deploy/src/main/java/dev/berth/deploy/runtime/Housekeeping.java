package dev.berth.deploy.runtime;

import dev.berth.application.access.PruneAuditLog;
import dev.berth.application.access.PruneLoginFailures;
import dev.berth.application.system.ScheduledStorageStatus;

import java.time.Duration;

/**
 * What runs on a schedule on every node so that requests stay cheap and tables bounded: the storage
 * probe behind the health checks (its own thread: a write that hangs on a dead store must not hold
 * up the rest), and the pruning of login failures past the throttling window and of audit events
 * past their retention. Every node doing it too is harmless: the deletes are idempotent.
 */
final class Housekeeping implements AutoCloseable {

    /** Readiness turns red at most this long (plus the failing write's own time) after the storage breaks. */
    static final Duration STORAGE_PROBE = Duration.ofSeconds(10);
    static final Duration PRUNE_LOGIN_FAILURES = Duration.ofMinutes(1);
    static final Duration PRUNE_AUDIT_LOG = Duration.ofHours(1);

    private final Schedule probe = new Schedule("berth-storage-probe");
    private final Schedule prune = new Schedule("berth-housekeeping");

    /** @param storage probed at start already: the first scheduled probe comes one interval later */
    Housekeeping(ScheduledStorageStatus storage, PruneLoginFailures loginFailures, PruneAuditLog auditLog) {
        probe.every(storage.interval(), storage.interval(), "Probing the storage", storage::probe);
        prune.every(PRUNE_LOGIN_FAILURES, PRUNE_LOGIN_FAILURES, "Pruning login failures", loginFailures::prune)
                .every(PRUNE_AUDIT_LOG, PRUNE_LOGIN_FAILURES, "Pruning the audit log", auditLog::prune);
    }

    @Override
    public void close() {
        probe.close();
        prune.close();
    }
}
