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

    /**
     * @return false when there is no such user
     * @throws IllegalArgumentException when an admin would disable themselves or the last enabled admin
     */
    public boolean set(Caller actor, String address, String name, boolean enabled) {
        Administration.requireAdmin(actor);
        String action = enabled ? "enable-user" : "disable-user";
        if (!enabled) {
            Administration.refuseSelf(audit, clock.instant(), actor, address, action, name, "disable");
        }
        return Administration.outcome(users.setEnabled(name, enabled), audit, clock.instant(), actor, address, action,
                name);
    }
}
