package dev.berth.application.access;

import dev.berth.application.port.AuditLog;
import dev.berth.application.port.UserDirectory;
import dev.berth.domain.access.Caller;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.time.Clock;

/**
 * Use case: an admin makes a user an administrator, or takes that away. Nobody demotes themselves,
 * and the last enabled administrator stays one.
 */
@Dependent
public class SetUserAdmin {

    private final UserDirectory users;
    private final AuditLog audit;
    private final Clock clock;

    @Inject
    public SetUserAdmin(UserDirectory users, AuditLog audit, Clock clock) {
        this.users = users;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * @return false when there is no such user
     * @throws IllegalArgumentException when an admin would demote themselves or the last enabled admin
     */
    public boolean set(Caller actor, String address, String name, boolean admin) {
        Administration.requireAdmin(actor);
        String action = admin ? "make-admin" : "remove-admin";
        if (!admin) {
            Administration.refuseSelf(audit, clock.instant(), actor, address, action, name, "demote");
        }
        return Administration.outcome(users.setAdmin(name, admin), audit, clock.instant(), actor, address, action, name);
    }
}
