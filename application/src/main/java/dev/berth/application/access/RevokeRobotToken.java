package dev.berth.application.access;

import dev.berth.application.port.AuditLog;
import dev.berth.application.port.RobotTokenStore;
import dev.berth.domain.access.Caller;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

/** Use case: an admin revokes a robot token; the next request carrying it fails. */
@Dependent
public class RevokeRobotToken {

    private final RobotTokenStore robots;
    private final AuditLog audit;
    private final Clock clock;

    @Inject
    public RevokeRobotToken(RobotTokenStore robots, AuditLog audit, Clock clock) {
        this.robots = robots;
        this.audit = audit;
        this.clock = clock;
    }

    /** @return false when there is no such unrevoked token */
    public boolean revoke(Caller actor, String address, UUID id) {
        Administration.requireAdmin(actor);
        Instant now = clock.instant();
        boolean revoked = robots.revoke(id, now);
        Administration.audit(audit, now, actor, address, "revoke-robot-token", id.toString(), revoked, "");
        return revoked;
    }
}
