package dev.berth.application.retention;

import dev.berth.application.access.Administration;
import dev.berth.application.port.AuditLog;
import dev.berth.application.port.RetentionStore;
import dev.berth.application.port.Transactions;
import dev.berth.domain.access.Caller;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.time.Clock;

/** Use case: an administrator removes a retention policy; audited. */
@Dependent
public class RemoveRetentionPolicy {

    private final RetentionStore retention;
    private final Transactions transactions;
    private final AuditLog audit;
    private final Clock clock;

    @Inject
    public RemoveRetentionPolicy(RetentionStore retention, Transactions transactions, AuditLog audit, Clock clock) {
        this.retention = retention;
        this.transactions = transactions;
        this.audit = audit;
        this.clock = clock;
    }

    /** @return whether there was such a policy */
    public boolean remove(Caller caller, String address, RetentionPolicy policy) {
        Administration.requireAdmin(caller);
        return transactions.inTransaction(() -> {
            boolean removed = retention.remove(policy.id());
            if (removed) {
                Administration.audit(audit, clock.instant(), caller, address, "retention.remove",
                        policy.repositories().value(), true, policy.describe());
            }
            return removed;
        });
    }
}
