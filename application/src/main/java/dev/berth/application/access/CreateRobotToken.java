package dev.berth.application.access;

import dev.berth.application.port.AuditLog;
import dev.berth.application.port.RobotTokenStore;
import dev.berth.application.port.UserDirectory;
import dev.berth.domain.access.Caller;
import dev.berth.domain.access.Grant;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Use case: a long-lived credential for a pipeline, used as the basic-auth password of its user
 * (or at the token endpoint) and limited to {@code scope} within what the user is granted. The
 * secret is shown once; only its hash is kept.
 */
@Dependent
public class CreateRobotToken {

    public record Created(UUID id, String secret) {
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private final UserDirectory users;
    private final RobotTokenStore robots;
    private final AuditLog audit;
    private final Clock clock;

    @Inject
    public CreateRobotToken(UserDirectory users, RobotTokenStore robots, AuditLog audit, Clock clock) {
        this.users = users;
        this.robots = robots;
        this.audit = audit;
        this.clock = clock;
    }

    /** @throws IllegalArgumentException when there is no such user, or the scope is empty or too long */
    public Created create(Caller actor, String address, String user, String description, List<Grant> scope,
                          Optional<Instant> expiresAt) {
        Administration.requireAdmin(actor);
        if (users.find(user).isEmpty()) {
            throw new IllegalArgumentException("no user '" + user + "'");
        }
        if (scope.isEmpty()) {
            throw new IllegalArgumentException("a robot token needs a scope, e.g. ci/*:pull,push");
        }
        if (scope.size() > GrantAccess.MAX_GRANTS) {
            throw new IllegalArgumentException("a robot token's scope has at most " + GrantAccess.MAX_GRANTS + " grants");
        }
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String secret = AuthenticateCaller.ROBOT_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Instant now = clock.instant();
        UUID id = UUID.randomUUID();
        robots.add(new RobotTokenStore.RobotToken(id, user, VerifiedPasswords.sha256(secret), description, scope, now,
                expiresAt, Optional.empty()));
        Administration.audit(audit, now, actor, address, "create-robot-token", user, true,
                id + " " + Grant.format(scope));
        return new Created(id, secret);
    }
}
