package dev.berth.application.port;

import dev.berth.domain.access.Grant;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Port: long-lived credentials for pipelines, each belonging to a user and limited to a scope.
 * Only the SHA-256 of a secret is stored: the secrets are random and long, so a fast hash is enough
 * and lets a secret be looked up.
 */
public interface RobotTokenStore {

    record RobotToken(UUID id, String user, String secretSha256, String description, List<Grant> scope,
                      Instant createdAt, Optional<Instant> expiresAt, Optional<Instant> revokedAt) {

        public RobotToken {
            scope = List.copyOf(scope);
        }

        public boolean usableAt(Instant now) {
            return revokedAt.isEmpty() && expiresAt.map(now::isBefore).orElse(true);
        }
    }

    void add(RobotToken token);

    Optional<RobotToken> findBySecret(String secretSha256);

    Optional<RobotToken> find(UUID id);

    /** @return false when there is no such unrevoked token */
    boolean revoke(UUID id, Instant at);

    List<RobotToken> list(String user);
}
