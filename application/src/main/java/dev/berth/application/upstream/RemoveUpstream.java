package dev.berth.application.upstream;

import dev.berth.application.access.Administration;
import dev.berth.application.port.AuditLog;
import dev.berth.application.port.Transactions;
import dev.berth.application.port.UpstreamRules;
import dev.berth.application.port.UpstreamStore;
import dev.berth.domain.access.Caller;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.time.Clock;

/**
 * Use case: an administrator removes an upstream added in the admin UI; audited. What it cached
 * stays as local repositories (read-write now) until retention, a delete or garbage collection
 * removes it.
 */
@Dependent
public class RemoveUpstream {

    private final UpstreamRules rules;
    private final UpstreamStore store;
    private final Transactions transactions;
    private final AuditLog audit;
    private final Clock clock;

    @Inject
    public RemoveUpstream(UpstreamRules rules, UpstreamStore store, Transactions transactions, AuditLog audit,
                          Clock clock) {
        this.rules = rules;
        this.store = store;
        this.transactions = transactions;
        this.audit = audit;
        this.clock = clock;
    }

    /** @return false when there was no such stored upstream */
    public boolean remove(Caller caller, String address, String prefix) {
        Administration.requireAdmin(caller);
        boolean removed = transactions.inTransaction(() -> {
            boolean gone = store.remove(prefix);
            Administration.audit(audit, clock.instant(), caller, address, "upstream.remove", prefix, gone,
                    gone ? "removed" : "no such upstream");
            return gone;
        });
        rules.reload();
        return removed;
    }
}
