package dev.berth.application.access;

import dev.berth.application.port.AuditLog;
import dev.berth.application.port.UserDirectory;
import dev.berth.domain.access.Caller;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.time.Clock;

/** Use case: an admin disables a user (their next request fails, whatever credential it carries) or enables them again. */
@Dependent
public class SetUserEnabled {

    private final UserDirectory users;
    private final AuditLog audit;
    private final Clock clock;

    @Inject
    public SetUserEnabled(UserDirectory users, AuditLog audit, Clock clock) {
        this.users = users;
        this.audit = audit;
        this.clock = clock;
    }

    /** @return false when there is no such user */
    public boolean set(Caller actor, String address, String name, boolean enabled) {
        Administration.requireAdmin(actor);
        boolean changed = users.setEnabled(name, enabled);
        Administration.audit(audit, clock.instant(), actor, address, enabled ? "enable-user" : "disable-user", name,
                changed, changed ? "" : "no such user");
        return changed;
    }
}
