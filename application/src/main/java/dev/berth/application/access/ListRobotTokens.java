package dev.berth.application.access;

import dev.berth.application.port.RobotTokenStore;
import dev.berth.domain.access.Caller;
import dev.berth.domain.access.Grant;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Use case: a user's robot tokens, for admins; never their secrets (nor the secrets' hashes). */
@Dependent
public class ListRobotTokens {

    /** @param usable neither revoked nor expired now */
    public record Token(UUID id, String user, String description, List<Grant> scope, Instant createdAt,
                        Optional<Instant> expiresAt, Optional<Instant> revokedAt, boolean usable) {
        public Token {
            scope = List.copyOf(scope);
        }
    }

    private final RobotTokenStore robots;
    private final Clock clock;

    @Inject
    public ListRobotTokens(RobotTokenStore robots, Clock clock) {
        this.robots = robots;
        this.clock = clock;
    }

    /** Newest first. */
    public List<Token> list(Caller actor, String user) {
        Administration.requireAdmin(actor);
        Instant now = clock.instant();
        return robots.list(user).stream()
                .sorted(Comparator.comparing(RobotTokenStore.RobotToken::createdAt).reversed())
                .map(t -> new Token(t.id(), t.user(), t.description(), t.scope(), t.createdAt(), t.expiresAt(),
                        t.revokedAt(), t.usableAt(now)))
                .toList();
    }
}
