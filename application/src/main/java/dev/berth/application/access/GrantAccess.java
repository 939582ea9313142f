package dev.berth.application.access;

import dev.berth.application.port.AuditLog;
import dev.berth.application.port.UserDirectory;
import dev.berth.domain.access.Caller;
import dev.berth.domain.access.Grant;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.time.Clock;
import java.util.List;

/** Use case: an admin grants a user actions on repositories matching a pattern. */
@Dependent
public class GrantAccess {

    /**
     * Every request weighs a caller's grants, and a catalog page turns each into a SQL condition:
     * a few hundred cover any real team structure (a pattern such as {@code team-a/*} stands for many).
     */
    public static final int MAX_GRANTS = 256;

    private final UserDirectory users;
    private final AuditLog audit;
    private final Clock clock;

    @Inject
    public GrantAccess(UserDirectory users, AuditLog audit, Clock clock) {
        this.users = users;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * @return false when there is no such user
     * @throws IllegalArgumentException when the user has {@link #MAX_GRANTS} grants and this is a new pattern
     */
    public boolean grant(Caller actor, String address, String name, Grant grant) {
        Administration.requireAdmin(actor);
        List<Grant> current = users.grants(name);
        if (current.size() >= MAX_GRANTS && current.stream().noneMatch(g -> g.pattern().equals(grant.pattern()))) {
            Administration.audit(audit, clock.instant(), actor, address, "grant", name, false,
                    grant + " (already " + MAX_GRANTS + " grants)");
            throw new IllegalArgumentException("'" + name + "' already has " + MAX_GRANTS
                    + " grants, the most a user may have: revoke some, or use a broader pattern such as team-a/*");
        }
        boolean granted = users.grant(name, grant);
        Administration.audit(audit, clock.instant(), actor, address, "grant", name, granted, grant.toString());
        return granted;
    }
}
