package dev.berth.application.retention;

import dev.berth.application.access.Administration;
import dev.berth.application.port.AuditLog;
import dev.berth.application.port.RetentionStore;
import dev.berth.application.port.Transactions;
import dev.berth.domain.access.Caller;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.time.Clock;

/** Use case: an administrator adds a retention policy (one per repository pattern); audited. */
@Dependent
public class AddRetentionPolicy {

    private final RetentionStore retention;
    private final Transactions transactions;
    private final AuditLog audit;
    private final Clock clock;

    @Inject
    public AddRetentionPolicy(RetentionStore retention, Transactions transactions, AuditLog audit, Clock clock) {
        this.retention = retention;
        this.transactions = transactions;
        this.audit = audit;
        this.clock = clock;
    }

    /** @throws IllegalArgumentException when the pattern has a policy already */
    public RetentionPolicy add(Caller caller, String address, RetentionPolicy policy) {
        Administration.requireAdmin(caller);
        return transactions.inTransaction(() -> {
            RetentionPolicy stored = retention.add(policy, clock.instant());
            Administration.audit(audit, clock.instant(), caller, address, "retention.add",
                    policy.repositories().value(), true, policy.describe());
            return stored;
        });
    }
}
