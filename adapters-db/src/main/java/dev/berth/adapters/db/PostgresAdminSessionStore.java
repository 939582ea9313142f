package dev.berth.adapters.db;

import dev.berth.application.port.AdminSessionStore;

import java.time.Instant;
import java.util.Optional;

/** Admin UI sign-ins in {@code admin_session}: the secrets' SHA-256, never the secrets. */
public final class PostgresAdminSessionStore implements AdminSessionStore {

    private final Jpa jpa;

    public PostgresAdminSessionStore(MetadataDatabase database) {
        this.jpa = database.jpa();
    }

    @Override
    public void add(StoredSession session) {
        jpa.transaction(em -> em.createNativeQuery("""
                        INSERT INTO admin_session (secret_sha256, user_name, credential_stamp, address, started_at, seen_at)
                        VALUES (:secret, :user, :stamp, :address, :started, :seen)""")
                .setParameter("secret", session.secretSha256())
                .setParameter("user", session.user())
                .setParameter("stamp", session.credentialStamp())
                .setParameter("address", session.address())
                .setParameter("started", session.startedAt())
                .setParameter("seen", session.seenAt())
                .executeUpdate());
    }

    @Override
    public Optional<StoredSession> find(String secretSha256) {
        return jpa.transaction(em -> Rows.of(em.createNativeQuery("""
                        SELECT secret_sha256, user_name, credential_stamp, address, started_at, seen_at
                        FROM admin_session WHERE secret_sha256 = :secret""")
                .setParameter("secret", secretSha256))
                .findFirst()
                .map(r -> new StoredSession((String) r[0], (String) r[1], ((Number) r[2]).longValue(), (String) r[3],
                        Rows.instant(r[4]), Rows.instant(r[5]))));
    }

    @Override
    public boolean touch(String secretSha256, Instant at) {
        return jpa.transaction(em -> em.createNativeQuery(
                        "UPDATE admin_session SET seen_at = greatest(seen_at, :at) WHERE secret_sha256 = :secret")
                .setParameter("at", at)
                .setParameter("secret", secretSha256)
                .executeUpdate() > 0);
    }

    @Override
    public void remove(String secretSha256) {
        jpa.transaction(em -> em.createNativeQuery("DELETE FROM admin_session WHERE secret_sha256 = :secret")
                .setParameter("secret", secretSha256)
                .executeUpdate());
    }

    @Override
    public int removeExpired(Instant seenBefore, Instant startedBefore) {
        return jpa.transaction(em -> em.createNativeQuery(
                        "DELETE FROM admin_session WHERE seen_at < :seen OR started_at < :started")
                .setParameter("seen", seenBefore)
                .setParameter("started", startedBefore)
                .executeUpdate());
    }
}
