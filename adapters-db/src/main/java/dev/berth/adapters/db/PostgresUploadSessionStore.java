package dev.berth.adapters.db;

import dev.berth.application.port.UploadSession;
import dev.berth.application.port.UploadSessionStore;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.UploadId;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Upload sessions in the {@code upload_session} table. */
public final class PostgresUploadSessionStore implements UploadSessionStore {

    private final Jpa jpa;

    public PostgresUploadSessionStore(MetadataDatabase database) {
        this.jpa = database.jpa();
    }

    /** Creates the repository too, if needed: a repository exists from its first upload. */
    @Override
    public void create(UploadSession session) {
        jpa.transaction(em -> {
            long repositoryId = PostgresRepositoryCatalog.ensureId(em, session.repository());
            em.persist(new UploadSessionEntity(session, em.getReference(RepositoryEntity.class, repositoryId)));
            return null;
        });
    }

    @Override
    public Optional<UploadSession> find(RepositoryName repository, UploadId id) {
        return jpa.transaction(em -> em.createQuery("""
                        SELECT u FROM UploadSessionEntity u JOIN FETCH u.repository r
                        WHERE u.id = :id AND r.name = :repository""", UploadSessionEntity.class)
                .setParameter("id", id.value())
                .setParameter("repository", repository.value())
                .getResultStream()
                .findFirst()
                .map(UploadSessionEntity::toSession));
    }

    @Override
    public int countActive(String user, Instant since) {
        return jpa.transaction(em -> ((Number) em.createNativeQuery("""
                        SELECT count(*) FROM upload_session WHERE started_by = :user AND updated_at >= :since""")
                .setParameter("user", user)
                .setParameter("since", since)
                .getSingleResult()).intValue());
    }

    @Override
    public boolean advance(UploadSession session, long expectedOffset) {
        // compare-and-set: of two requests continuing the same upload from the same offset, one wins
        return jpa.transaction(em -> em.createQuery("""
                        UPDATE UploadSessionEntity u SET u.offset = :offset, u.updatedAt = :updatedAt
                        WHERE u.id = :id AND u.offset = :expected""")
                .setParameter("offset", session.offset())
                .setParameter("updatedAt", session.updatedAt())
                .setParameter("id", session.id().value())
                .setParameter("expected", expectedOffset)
                .executeUpdate() == 1);
    }

    @Override
    public boolean delete(UploadId id) {
        return jpa.transaction(em -> em.createQuery("DELETE FROM UploadSessionEntity u WHERE u.id = :id")
                .setParameter("id", id.value())
                .executeUpdate() > 0);
    }

    @Override
    public List<UploadSession> updatedBefore(Instant cutoff, Optional<UploadId> after, int limit) {
        return jpa.transaction(em -> em.createQuery("""
                        SELECT u FROM UploadSessionEntity u JOIN FETCH u.repository
                        WHERE u.updatedAt < :cutoff AND (:after IS NULL OR u.id > :after) ORDER BY u.id""",
                        UploadSessionEntity.class)
                .setParameter("cutoff", cutoff)
                .setParameter("after", after.map(UploadId::value).orElse(null))
                .setMaxResults(limit)
                .getResultStream()
                .map(UploadSessionEntity::toSession)
                .toList());
    }

    @Override
    public boolean deleteIfUpdatedBefore(UploadId id, Instant cutoff) {
        return jpa.transaction(em -> em.createQuery(
                        "DELETE FROM UploadSessionEntity u WHERE u.id = :id AND u.updatedAt < :cutoff")
                .setParameter("id", id.value())
                .setParameter("cutoff", cutoff)
                .executeUpdate() > 0);
    }

    @Override
    public boolean exists(UploadId id) {
        return jpa.transaction(em -> !em.createQuery("SELECT 1 FROM UploadSessionEntity u WHERE u.id = :id")
                .setParameter("id", id.value())
                .getResultList().isEmpty());
    }

    @Override
    public Lease lease(UploadId id, String holder, Instant now, Duration length) {
        return jpa.transaction(em -> {
            int taken = em.createNativeQuery("""
                            UPDATE upload_session SET lease_holder = :holder, lease_until = :until
                            WHERE id = :id AND (lease_holder IS NULL OR lease_until <= :now)""")
                    .setParameter("holder", holder)
                    .setParameter("until", now.plus(length))
                    .setParameter("now", now)
                    .setParameter("id", id.value())
                    .executeUpdate();
            if (taken == 1) {
                return Lease.TAKEN;
            }
            return em.createNativeQuery("SELECT 1 FROM upload_session WHERE id = :id")
                    .setParameter("id", id.value())
                    .getResultList().isEmpty() ? Lease.UNKNOWN : Lease.HELD;
        });
    }

    @Override
    public void releaseLease(UploadId id, String holder) {
        jpa.transaction(em -> em.createNativeQuery("""
                        UPDATE upload_session SET lease_holder = NULL, lease_until = NULL
                        WHERE id = :id AND lease_holder = :holder""")
                .setParameter("id", id.value())
                .setParameter("holder", holder)
                .executeUpdate());
    }
}
