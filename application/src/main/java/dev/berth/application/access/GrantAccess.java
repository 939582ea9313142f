package dev.berth.application.access;

import dev.berth.application.port.AuditLog;
import dev.berth.application.port.UserDirectory;
import dev.berth.domain.access.Caller;
import dev.berth.domain.access.Grant;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.time.Clock;

/** Use case: an admin grants a user actions on repositories matching a pattern. */
@Dependent
public class GrantAccess {

    private final UserDirectory users;
    private final AuditLog audit;
    private final Clock clock;

    @Inject
    public GrantAccess(UserDirectory users, AuditLog audit, Clock clock) {
        this.users = users;
        this.audit = audit;
        this.clock = clock;
    }

    /** @return false when there is no such user */
    public boolean grant(Caller actor, String address, String name, Grant grant) {
        Administration.requireAdmin(actor);
        boolean granted = users.grant(name, grant);
        Administration.audit(audit, clock.instant(), actor, address, "grant", name, granted, grant.toString());
        return granted;
    }
}
