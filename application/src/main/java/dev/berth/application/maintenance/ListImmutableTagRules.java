package dev.berth.application.maintenance;

import dev.berth.application.access.Administration;
import dev.berth.application.port.MaintenanceStore;
import dev.berth.domain.access.Caller;
import dev.berth.domain.access.ImmutableTagRule;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.util.List;

/** Use case: the immutable tag rules, oldest first, for administrators. */
@Dependent
public class ListImmutableTagRules {

    private final MaintenanceStore store;

    @Inject
    public ListImmutableTagRules(MaintenanceStore store) {
        this.store = store;
    }

    public List<ImmutableTagRule> list(Caller actor) {
        Administration.requireAdmin(actor);
        return store.immutableTagRules();
    }
}
