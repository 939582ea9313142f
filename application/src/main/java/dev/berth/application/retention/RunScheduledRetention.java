package dev.berth.application.retention;

import dev.berth.application.access.Administration;
import dev.berth.application.maintenance.MaintenanceMode;
import dev.berth.application.port.RetentionStore;
import dev.berth.application.port.Transactions;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Use case: the scheduled retention run. Every node asks on a timer; the store lets exactly one of
 * them claim each interval, so policies run once per interval however many nodes there are. While
 * the registry is read-only none claims it: the run comes once writes are allowed again.
 */
public class RunScheduledRetention {

    private final RetentionStore retention;
    /** Resolved at the first run: a composition root may not have all of its parts while it starts the worker. */
    private final Supplier<ApplyRetention> apply;
    private ApplyRetention resolved;
    private final MaintenanceMode mode;
    private final Transactions transactions;
    private final Duration interval;
    private final Clock clock;

    public RunScheduledRetention(RetentionStore retention, Supplier<ApplyRetention> apply, MaintenanceMode mode,
                                 Transactions transactions, Duration interval, Clock clock) {
        this.retention = retention;
        this.apply = apply;
        this.mode = mode;
        this.transactions = transactions;
        this.interval = interval;
        this.clock = clock;
    }

    /** @return what this node deleted, empty when another node has the run of this interval or it is read-only */
    public Optional<List<ExpiredTag>> runIfDue() {
        if (mode.readOnly() || !transactions.inTransaction(() -> retention.claimRun(clock.instant(), interval))) {
            return Optional.empty();
        }
        return Optional.of(applyRetention().apply(Administration.SYSTEM, Administration.LOCAL));
    }

    private synchronized ApplyRetention applyRetention() {
        if (resolved == null) {
            resolved = apply.get();
        }
        return resolved;
    }
}
