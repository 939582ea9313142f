package dev.berth.application.maintenance;

import dev.berth.application.access.Administration;
import dev.berth.application.port.AuditLog;
import dev.berth.application.port.MaintenanceStore;
import dev.berth.domain.access.Caller;
import dev.berth.domain.access.ImmutableTagRule;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.time.Clock;

/** Use case: an admin lets the tags of a rule move and go again. */
@Dependent
public class RemoveImmutableTagRule {

    private final MaintenanceStore store;
    private final AuditLog audit;
    private final Clock clock;

    @Inject
    public RemoveImmutableTagRule(MaintenanceStore store, AuditLog audit, Clock clock) {
        this.store = store;
        this.audit = audit;
        this.clock = clock;
    }

    /** @return whether the rule existed */
    public boolean remove(Caller actor, String address, ImmutableTagRule rule) {
        Administration.requireAdmin(actor);
        boolean removed = store.removeImmutableTagRule(rule);
        Administration.audit(audit, clock.instant(), actor, address, "remove-immutable-tags", rule.toString(), true,
                removed ? "" : "no such rule");
        return removed;
    }
}
