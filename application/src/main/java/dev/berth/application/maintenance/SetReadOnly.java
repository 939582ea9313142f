package dev.berth.application.maintenance;

import dev.berth.application.access.Administration;
import dev.berth.application.port.AuditLog;
import dev.berth.application.port.MaintenanceStore;
import dev.berth.domain.access.Caller;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.time.Clock;

/** Use case: an admin turns read-only mode on (writes refused, reads served) or off again. */
@Dependent
public class SetReadOnly {

    private final MaintenanceStore store;
    private final MaintenanceSettings settings;
    private final AuditLog audit;
    private final Clock clock;

    @Inject
    public SetReadOnly(MaintenanceStore store, MaintenanceSettings settings, AuditLog audit, Clock clock) {
        this.store = store;
        this.settings = settings;
        this.audit = audit;
        this.clock = clock;
    }

    /** @throws IllegalStateException when turning it off while configuration forces it on */
    public void set(Caller actor, String address, boolean readOnly) {
        Administration.requireAdmin(actor);
        String action = readOnly ? "enable-read-only" : "disable-read-only";
        if (!readOnly && settings.readOnlyForced()) {
            Administration.audit(audit, clock.instant(), actor, address, action, "registry", false,
                    "refused: storage.maintenance.readonly.enabled is true");
            throw new IllegalStateException("the configuration (storage.maintenance.readonly.enabled) holds the"
                    + " registry read-only; change it and restart to allow writes");
        }
        store.setReadOnly(readOnly);
        Administration.audit(audit, clock.instant(), actor, address, action, "registry", true, "");
    }
}
