package dev.berth.adapters.db;

import dev.berth.application.port.RobotTokenStore;
import dev.berth.domain.access.Grant;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Robot tokens in {@code robot_token}: the secrets' SHA-256, never the secrets. */
public final class PostgresRobotTokenStore implements RobotTokenStore {

    private static final String COLUMNS = "id, user_name, secret_sha256, description, scope, created_at, expires_at, revoked_at";

    private final Jpa jpa;

    public PostgresRobotTokenStore(MetadataDatabase database) {
        this.jpa = database.jpa();
    }

    @Override
    public void add(RobotToken token) {
        jpa.transaction(em -> em.createNativeQuery("""
                        INSERT INTO robot_token (id, user_name, secret_sha256, description, scope, created_at)
                        VALUES (:id, :user, :secret, :description, :scope, :created)""")
                .setParameter("id", token.id())
                .setParameter("user", token.user())
                .setParameter("secret", token.secretSha256())
                .setParameter("description", token.description())
                .setParameter("scope", Grant.format(token.scope()))
                .setParameter("created", token.createdAt())
                .executeUpdate());
        // a separate statement rather than a null parameter, whose SQL type Hibernate cannot tell
        token.expiresAt().ifPresent(expires -> jpa.transaction(em -> em.createNativeQuery(
                        "UPDATE robot_token SET expires_at = :expires WHERE id = :id")
                .setParameter("expires", expires)
                .setParameter("id", token.id())
                .executeUpdate()));
    }

    @Override
    public Optional<RobotToken> findBySecret(String secretSha256) {
        return findWhere("secret_sha256", secretSha256);
    }

    @Override
    public Optional<RobotToken> find(UUID id) {
        return findWhere("id", id);
    }

    /** @param column a unique column of {@code robot_token} (a constant, never input) */
    private Optional<RobotToken> findWhere(String column, Object value) {
        return jpa.transaction(em -> Rows.of(em.createNativeQuery(
                        "SELECT " + COLUMNS + " FROM robot_token WHERE " + column + " = :value")
                .setParameter("value", value))
                .findFirst()
                .map(PostgresRobotTokenStore::token));
    }

    @Override
    public boolean revoke(UUID id, Instant at) {
        return jpa.transaction(em -> em.createNativeQuery(
                        "UPDATE robot_token SET revoked_at = :at WHERE id = :id AND revoked_at IS NULL")
                .setParameter("at", at)
                .setParameter("id", id)
                .executeUpdate() > 0);
    }

    @Override
    public List<RobotToken> list(String user) {
        return jpa.transaction(em -> Rows.of(em.createNativeQuery(
                        "SELECT " + COLUMNS + " FROM robot_token WHERE user_name = :user ORDER BY created_at")
                .setParameter("user", user))
                .map(PostgresRobotTokenStore::token)
                .toList());
    }

    private static RobotToken token(Object[] r) {
        return new RobotToken(Rows.uuid(r[0]), (String) r[1], (String) r[2], (String) r[3], Grant.parseList((String) r[4]),
                Rows.instant(r[5]), Optional.ofNullable(Rows.instant(r[6])), Optional.ofNullable(Rows.instant(r[7])));
    }
}
