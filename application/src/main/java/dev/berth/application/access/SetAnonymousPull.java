package dev.berth.application.access;

import dev.berth.application.port.AuditLog;
import dev.berth.application.port.UserDirectory;
import dev.berth.domain.access.Caller;
import dev.berth.domain.access.RepositoryPattern;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.time.Clock;

/** Use case: an admin lets anybody pull repositories matching a pattern, or stops that. */
@Dependent
public class SetAnonymousPull {

    private final UserDirectory users;
    private final AuditLog audit;
    private final Clock clock;

    @Inject
    public SetAnonymousPull(UserDirectory users, AuditLog audit, Clock clock) {
        this.users = users;
        this.audit = audit;
        this.clock = clock;
    }

    /** @return whether anything changed */
    public boolean set(Caller actor, String address, RepositoryPattern pattern, boolean allowed) {
        Administration.requireAdmin(actor);
        boolean changed = users.setAnonymousPull(pattern, allowed);
        Administration.audit(audit, clock.instant(), actor, address,
                allowed ? "allow-anonymous-pull" : "deny-anonymous-pull", pattern.toString(), true, "");
        return changed;
    }
}
