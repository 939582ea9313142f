package dev.berth.application.access;

import dev.berth.application.port.AuditLog;
import dev.berth.application.port.PasswordHasher;
import dev.berth.application.port.UserDirectory;
import dev.berth.domain.access.Caller;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.time.Clock;

/** Use case: an admin, or the user themselves, sets a new password. */
@Dependent
public class ChangePassword {

    private final UserDirectory users;
    private final PasswordHasher hasher;
    private final AuditLog audit;
    private final Clock clock;

    @Inject
    public ChangePassword(UserDirectory users, PasswordHasher hasher, AuditLog audit, Clock clock) {
        this.users = users;
        this.hasher = hasher;
        this.audit = audit;
        this.clock = clock;
    }

    /** @return false when there is no such user */
    public boolean change(Caller actor, String address, String name, String password) {
        if (!actor.user().map(u -> u.name().equals(name)).orElse(false)) {
            Administration.requireAdmin(actor);
        }
        Administration.checkPassword(password);
        boolean changed = users.setPassword(name, hasher.hash(password));
        Administration.audit(audit, clock.instant(), actor, address, "change-password", name, changed, "");
        return changed;
    }
}
