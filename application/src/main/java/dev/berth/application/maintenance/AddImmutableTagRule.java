package dev.berth.application.maintenance;

import dev.berth.application.access.Administration;
import dev.berth.application.port.AuditLog;
import dev.berth.application.port.MaintenanceStore;
import dev.berth.domain.access.Caller;
import dev.berth.domain.access.ImmutableTagRule;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.time.Clock;

/** Use case: an admin makes the tags matching a rule immutable (tags already pushed included). */
@Dependent
public class AddImmutableTagRule {

    private final MaintenanceStore store;
    private final AuditLog audit;
    private final Clock clock;

    @Inject
    public AddImmutableTagRule(MaintenanceStore store, AuditLog audit, Clock clock) {
        this.store = store;
        this.audit = audit;
        this.clock = clock;
    }

    /** @return false when the rule existed already */
    public boolean add(Caller actor, String address, ImmutableTagRule rule) {
        Administration.requireAdmin(actor);
        boolean added = store.addImmutableTagRule(rule);
        Administration.audit(audit, clock.instant(), actor, address, "add-immutable-tags", rule.toString(), true,
                added ? "" : "existed already");
        return added;
    }
}
