package dev.berth.adapters.db;

import dev.berth.application.port.BlobLinkStore;
import dev.berth.domain.Digest;
import dev.berth.domain.RepositoryName;
import jakarta.persistence.EntityManager;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** Blobs in the {@code blob} table, and which repository may see them in {@code repository_blob}. */
public final class PostgresBlobLinkStore implements BlobLinkStore {

    private final Jpa jpa;

    public PostgresBlobLinkStore(MetadataDatabase database) {
        this.jpa = database.jpa();
    }

    @Override
    public void recordBlob(Digest digest, long size) {
        // same digest, same content: a second record of it has nothing to add but that the content is
        // back. Not ON CONFLICT DO UPDATE: that locks the existing row FOR UPDATE even when its WHERE
        // excludes it, and every push of a manifest listing the blob would then wait for this transaction
        // The row found is key-share locked until this transaction ends: garbage collection, which may
        // be condemning that very digest (an earlier, abandoned upload of it), locks it FOR UPDATE
        // first, so it either waits and then sees the link this push makes (queued anew: not due), or
        // has deleted it, and the row is made again. Without the lock a push's link could meet a row
        // deleted in between (a foreign key violation, a 500 to the client).
        jpa.transaction(em -> {
            while (true) {
                int inserted = em.createNativeQuery("INSERT INTO blob (digest, size) VALUES (:digest, :size) ON CONFLICT DO NOTHING")
                        .setParameter("digest", digest.toString())
                        .setParameter("size", size)
                        .executeUpdate();
                if (inserted > 0) {
                    return null;
                }
                boolean kept = !em.createNativeQuery("SELECT 1 FROM blob WHERE digest = :digest FOR KEY SHARE")
                        .setParameter("digest", digest.toString())
                        .getResultList().isEmpty();
                if (kept) {
                    em.createNativeQuery("UPDATE blob SET missing_since = NULL WHERE digest = :digest AND missing_since IS NOT NULL")
                            .setParameter("digest", digest.toString())
                            .executeUpdate();
                    return null;
                }
            }
        });
    }

    @Override
    public void recordAndLink(RepositoryName repository, Digest digest, long size) {
        jpa.transaction(em -> {
            lockRepository(em, PostgresRepositoryCatalog.ensureId(em, repository));
            recordBlob(digest, size);
            link(repository, digest);
            return null;
        });
    }

    @Override
    public OptionalLong blobSize(Digest digest) {
        return jpa.transaction(em -> {
            BlobEntity blob = em.find(BlobEntity.class, digest.toString());
            return blob == null || blob.missing() ? OptionalLong.empty() : OptionalLong.of(blob.size());
        });
    }

    @Override
    public void markMissing(Digest digest) {
        jpa.transaction(em -> em.createNativeQuery("""
                        UPDATE blob SET missing_since = now() WHERE digest = :digest AND missing_since IS NULL""")
                .setParameter("digest", digest.toString())
                .executeUpdate());
    }

    @Override
    public List<StoredBlob> blobsAfter(Optional<Digest> after, int limit) {
        // keyset on the primary key: each page is one index range, however many blobs there are
        return jpa.transaction(em -> Rows.of(em.createNativeQuery("""
                        SELECT digest, size, missing_since IS NOT NULL FROM blob WHERE digest > :after ORDER BY digest LIMIT :limit""")
                .setParameter("after", after.map(Digest::toString).orElse(""))
                .setParameter("limit", limit))
                .map(r -> new StoredBlob(Digest.parse((String) r[0]), ((Number) r[1]).longValue(), (Boolean) r[2]))
                .toList());
    }

    @Override
    public void link(RepositoryName repository, Digest digest) {
        jpa.transaction(em -> {
            long id = PostgresRepositoryCatalog.ensureId(em, repository);
            lockRepository(em, id);
            return em.createNativeQuery("""
                            INSERT INTO repository_blob (repository_id, digest) VALUES (:repository, :digest)
                            ON CONFLICT DO NOTHING""")
                    .setParameter("repository", id)
                    .setParameter("digest", digest.toString())
                    .executeUpdate();
        });
    }

    /**
     * The repository's row, locked as its counters' update would, but before the insert's foreign key
     * check locks the blob: the lock order of every writer (V17), which garbage collection's review of
     * the blob follows too.
     */
    private static void lockRepository(EntityManager em, long id) {
        em.createNativeQuery("SELECT 1 FROM repository WHERE id = :id FOR NO KEY UPDATE").setParameter("id", id)
                .getResultList();
    }

    @Override
    public OptionalLong linkedSize(RepositoryName repository, Digest digest) {
        return jpa.transaction(em -> em.createQuery("""
                        SELECT l.blob.size FROM BlobLinkEntity l
                        WHERE l.repository.name = :repository AND l.blob.digest = :digest
                          AND l.blob.missingSince IS NULL""", Long.class)
                .setParameter("repository", repository.value())
                .setParameter("digest", digest.toString())
                .getResultStream()
                .mapToLong(Long::longValue)
                .findFirst());
    }

    @Override
    public boolean unlink(RepositoryName repository, Digest digest) {
        return jpa.transaction(em -> em.createQuery("""
                        DELETE FROM BlobLinkEntity l
                        WHERE l.repository.id = (SELECT r.id FROM RepositoryEntity r WHERE r.name = :repository)
                          AND l.blob.digest = :digest""")
                .setParameter("repository", repository.value())
                .setParameter("digest", digest.toString())
                .executeUpdate() > 0);
    }

    @Override
    public LinkUsage usage(RepositoryName repository) {
        return jpa.transaction(em -> {
            Object[] row = (Object[]) em.createNativeQuery("""
                            SELECT count(*), COALESCE(sum(b.size), 0),
                                   count(*) FILTER (WHERE s.shared), COALESCE(sum(b.size) FILTER (WHERE s.shared), 0)
                            FROM repository_blob l
                            JOIN blob b ON b.digest = l.digest
                            CROSS JOIN LATERAL (SELECT EXISTS (SELECT 1 FROM repository_blob o
                                                               WHERE o.digest = l.digest
                                                                 AND o.repository_id <> l.repository_id) AS shared) s
                            WHERE l.repository_id = (SELECT r.id FROM repository r WHERE r.name = :repository)""")
                    .setParameter("repository", repository.value())
                    .getSingleResult();
            return new LinkUsage(((Number) row[0]).longValue(), ((Number) row[1]).longValue(),
                    ((Number) row[2]).longValue(), ((Number) row[3]).longValue());
        });
    }
}
