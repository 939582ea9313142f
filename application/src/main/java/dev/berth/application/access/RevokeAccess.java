package dev.berth.application.access;

import dev.berth.application.port.AuditLog;
import dev.berth.application.port.UserDirectory;
import dev.berth.domain.access.Caller;
import dev.berth.domain.access.RepositoryPattern;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.time.Clock;

/** Use case: an admin takes back a user's grant on a pattern. */
@Dependent
public class RevokeAccess {

    private final UserDirectory users;
    private final AuditLog audit;
    private final Clock clock;

    @Inject
    public RevokeAccess(UserDirectory users, AuditLog audit, Clock clock) {
        this.users = users;
        this.audit = audit;
        this.clock = clock;
    }

    /** @return false when the user had no grant on that pattern */
    public boolean revoke(Caller actor, String address, String name, RepositoryPattern pattern) {
        Administration.requireAdmin(actor);
        boolean revoked = users.revoke(name, pattern);
        Administration.audit(audit, clock.instant(), actor, address, "revoke", name, revoked, pattern.toString());
        return revoked;
    }
}
