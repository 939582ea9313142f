package dev.berth.application.access;

import dev.berth.application.port.AuditLog;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Use case: delete audit events past the retention (by age, then beyond the newest rows), and audit
 * the deletion itself, so that a gap in the log always explains itself.
 */
@Dependent
public class PruneAuditLog {

    static final String ACTION = "prune-audit-log";

    private final AuditLog audit;
    private final AuditRetention retention;
    private final Clock clock;

    @Inject
    public PruneAuditLog(AuditLog audit, AuditRetention retention, Clock clock) {
        this.audit = audit;
        this.retention = retention;
        this.clock = clock;
    }

    /** @return how many events were deleted */
    public long prune() {
        Instant now = clock.instant();
        List<String> what = new ArrayList<>();
        long deleted = 0;
        if (!retention.maxAge().isZero()) {
            long old = audit.deleteBefore(now.minus(retention.maxAge()));
            deleted += old;
            if (old > 0) {
                what.add(old + " older than " + retention.maxAge().toDays() + " days");
            }
        }
        if (retention.maxRows() > 0 && audit.count(AuditLog.Filter.ALL) > retention.maxRows()) {
            // room for this deletion's own row: the log holds at most maxRows events afterwards
            long excess = audit.deleteAllButNewest(retention.maxRows() - 1);
            deleted += excess;
            what.add(excess + " over the limit of " + retention.maxRows() + " events");
        }
        if (deleted > 0) {
            audit.record(new AuditLog.Event(now, Administration.SYSTEM.name(), Administration.LOCAL, ACTION, "",
                    true, "deleted " + deleted + " events: " + String.join(", ", what)));
        }
        return deleted;
    }
}
