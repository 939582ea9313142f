package dev.berth.adapters.db;

import dev.berth.application.port.GarbageCollectionStore;
import dev.berth.domain.Digest;
import dev.berth.domain.RepositoryName;
import jakarta.persistence.EntityManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The review queues filled by the V14 triggers, and the decisions taken on them. Lock order, the same
 * as a push's: the blob (or manifest) row first, then its queue entry; so a push's transaction, which
 * takes a key-share lock on the blob through its foreign keys and then re-queues it, never deadlocks
 * with a review.
 */
public final class PostgresGarbageCollectionStore implements GarbageCollectionStore {

    /** First key of the two-key advisory locks on a digest's deletion; the second is the digest's hash. */
    private static final int DELETION_LOCKS = 0x6763;

    private final Jpa jpa;

    public PostgresGarbageCollectionStore(MetadataDatabase database) {
        this.jpa = database.jpa();
    }

    @Override
    @SuppressWarnings("unchecked")
    public List<Digest> dueBlobs(Instant dueBefore, Optional<Digest> after, int limit) {
        return jpa.transaction(em -> ((List<String>) em.createNativeQuery("""
                        SELECT digest FROM gc_blob_review WHERE queued_at <= :due AND digest > :after
                        ORDER BY digest LIMIT :limit""")
                .setParameter("due", dueBefore)
                .setParameter("after", after.map(Digest::toString).orElse(""))
                .setParameter("limit", limit)
                .getResultList()).stream().map(Digest::parse).toList());
    }

    @Override
    public List<QueuedManifest> dueManifests(Instant dueBefore, Optional<QueuedManifest> after, int limit) {
        return jpa.transaction(em -> Rows.of(em.createNativeQuery("""
                        SELECT r.name, q.digest FROM gc_manifest_review q JOIN repository r ON r.id = q.repository_id
                        WHERE q.queued_at <= :due AND (r.name, q.digest) > (:afterName, :afterDigest)
                        ORDER BY r.name, q.digest LIMIT :limit""")
                        .setParameter("due", dueBefore)
                        .setParameter("afterName", after.map(m -> m.repository().value()).orElse(""))
                        .setParameter("afterDigest", after.map(m -> m.digest().toString()).orElse(""))
                        .setParameter("limit", limit))
                .map(r -> new QueuedManifest(new RepositoryName((String) r[0]), Digest.parse((String) r[1])))
                .toList());
    }

    @Override
    public BlobVerdict reviewBlob(Digest digest, Instant dueBefore, boolean dryRun) {
        return jpa.transaction(em -> {
            BlobVerdict verdict = reviewBlob(em, digest, dueBefore, dryRun);
            if (verdict.verdict() != Verdict.COLLECTED || dryRun) {
                commitWithoutWaiting(em);
            }
            return verdict;
        });
    }

    /**
     * A review that deletes nothing commits without waiting for its WAL flush: should a crash lose that
     * commit, the entry is back in the queue and reviewed again, which is all the decision did. It spares
     * the flush (the pushes' commits wait for the same disk) to most of a run's decisions.
     */
    private static void commitWithoutWaiting(EntityManager em) {
        em.createNativeQuery("SET LOCAL synchronous_commit = off").executeUpdate();
    }

    private static BlobVerdict reviewBlob(EntityManager em, Digest digest, Instant dueBefore, boolean dryRun) {
        String d = digest.toString();
        if (!dryRun) {
            // the lock order of every writer (V17): the rows of the repositories linking it, whose
            // counters unlinking changes, then the blob's own rows
            em.createNativeQuery("""
                            SELECT r.id FROM repository r
                            WHERE r.id IN (SELECT l.repository_id FROM repository_blob l WHERE l.digest = :d)
                            ORDER BY r.id FOR NO KEY UPDATE""")
                    .setParameter("d", d).getResultList();
        }
        // then the blob row: a push referencing it holds a key-share lock on it until it commits
        Number size = (Number) em.createNativeQuery("SELECT size FROM blob WHERE digest = :d FOR UPDATE")
                .setParameter("d", d).getSingleResultOrNull();
        String reason = (String) em.createNativeQuery(dryRun
                        ? "SELECT reason FROM gc_blob_review WHERE digest = :d AND queued_at <= :due"
                        : "DELETE FROM gc_blob_review WHERE digest = :d AND queued_at <= :due RETURNING reason")
                .setParameter("d", d).setParameter("due", dueBefore).getSingleResultOrNull();
        if (reason == null) {
            return new BlobVerdict(Verdict.NOT_DUE, 0, "");
        }
        if (size == null) {
            return new BlobVerdict(Verdict.GONE, 0, reason);
        }
        boolean referenced = (Boolean) em.createNativeQuery(
                        "SELECT EXISTS (SELECT 1 FROM manifest_blob WHERE digest = :d)")
                .setParameter("d", d).getSingleResult();
        if (referenced) {
            return new BlobVerdict(Verdict.KEPT, size.longValue(), reason);
        }
        if (!dryRun) {
            // its links go with it: content no manifest references past the delay is an abandoned upload
            em.createNativeQuery("DELETE FROM repository_blob WHERE digest = :d").setParameter("d", d).executeUpdate();
            em.createNativeQuery("DELETE FROM blob WHERE digest = :d").setParameter("d", d).executeUpdate();
            // the unlinking just queued it again: the decision is taken
            em.createNativeQuery("DELETE FROM gc_blob_review WHERE digest = :d").setParameter("d", d).executeUpdate();
            em.createNativeQuery("""
                            INSERT INTO gc_blob_deletion (digest, size, reason, condemned_at) VALUES (:d, :size, :reason, now())
                            ON CONFLICT (digest) DO UPDATE SET size = EXCLUDED.size, reason = EXCLUDED.reason,
                                condemned_at = EXCLUDED.condemned_at, bytes_deleted_at = NULL""")
                    .setParameter("d", d).setParameter("size", size.longValue())
                    .setParameter("reason", "unreferenced (" + reason + ")").executeUpdate();
        }
        return new BlobVerdict(Verdict.COLLECTED, size.longValue(), reason);
    }

    @Override
    public Verdict reviewManifest(QueuedManifest manifest, Instant dueBefore, boolean deleteUntagged, boolean dryRun) {
        return jpa.transaction(em -> {
            Verdict verdict = reviewManifest(em, manifest, dueBefore, deleteUntagged, dryRun);
            if (verdict != Verdict.COLLECTED || dryRun) {
                commitWithoutWaiting(em);
            }
            return verdict;
        });
    }

    private static Verdict reviewManifest(EntityManager em, QueuedManifest manifest, Instant dueBefore,
                                          boolean deleteUntagged, boolean dryRun) {
        if (deleteUntagged && !dryRun) {
            // before the manifest's row lock, as every deletion
            DeletionTurns.take(em);
        }
        Long repositoryId = (Long) em.createNativeQuery("SELECT id FROM repository WHERE name = :name", Long.class)
                .setParameter("name", manifest.repository().value()).getSingleResultOrNull();
        if (repositoryId == null) {
            return Verdict.GONE;
        }
        String d = manifest.digest().toString();
        Object[] row = (Object[]) em.createNativeQuery("""
                        SELECT id, subject FROM manifest WHERE repository_id = :r AND digest = :d FOR UPDATE""")
                .setParameter("r", repositoryId).setParameter("d", d).getSingleResultOrNull();
        String entry = (String) em.createNativeQuery(dryRun || !deleteUntagged
                        ? "SELECT reason FROM gc_manifest_review WHERE repository_id = :r AND digest = :d AND queued_at <= :due"
                        : """
                          DELETE FROM gc_manifest_review WHERE repository_id = :r AND digest = :d AND queued_at <= :due
                          RETURNING reason""")
                .setParameter("r", repositoryId).setParameter("d", d).setParameter("due", dueBefore)
                .getSingleResultOrNull();
        if (entry == null) {
            return Verdict.NOT_DUE;
        }
        boolean kept = row != null && (Boolean) em.createNativeQuery("""
                        SELECT EXISTS (SELECT 1 FROM tag WHERE repository_id = :r AND manifest_digest = :d)
                            OR EXISTS (SELECT 1 FROM manifest_child WHERE repository_id = :r AND digest = :d)
                            OR EXISTS (SELECT 1 FROM manifest WHERE repository_id = :r AND digest = :subject)""")
                .setParameter("r", repositoryId).setParameter("d", d)
                .setParameter("subject", row[1] == null ? "" : row[1])
                .getSingleResult();
        if (kept || row == null) {
            if (!deleteUntagged && !dryRun) {
                em.createNativeQuery("DELETE FROM gc_manifest_review WHERE repository_id = :r AND digest = :d AND queued_at <= :due")
                        .setParameter("r", repositoryId).setParameter("d", d).setParameter("due", dueBefore)
                        .executeUpdate();
            }
            return kept ? Verdict.KEPT : Verdict.GONE;
        }
        if (!deleteUntagged) {
            return Verdict.NOT_DUE;
        }
        if (!dryRun) {
            // its layers, children and referrers are queued by the triggers as it goes
            em.createNativeQuery("DELETE FROM manifest WHERE id = :id").setParameter("id", row[0]).executeUpdate();
        }
        return Verdict.COLLECTED;
    }

    @Override
    public List<Condemned> pendingDeletions(int limit) {
        return jpa.transaction(em -> Rows.of(em.createNativeQuery("""
                        SELECT digest, size, reason FROM gc_blob_deletion WHERE bytes_deleted_at IS NULL
                        ORDER BY condemned_at, digest LIMIT :limit""").setParameter("limit", limit))
                .map(r -> new Condemned(Digest.parse((String) r[0]), ((Number) r[1]).longValue(), (String) r[2]))
                .toList());
    }

    @Override
    public boolean deleteContent(Digest digest, ContentDeleter deleter) throws IOException {
        try {
            return jpa.transaction(em -> {
                String d = digest.toString();
                // waits for uploads of this digest recording it now (guardRecreation), and keeps new ones out
                em.createNativeQuery("SELECT pg_advisory_xact_lock(:ns, hashtext(:d))")
                        .setParameter("ns", DELETION_LOCKS).setParameter("d", d).getSingleResult();
                Object pending = em.createNativeQuery("""
                                SELECT 1 FROM gc_blob_deletion WHERE digest = :d AND bytes_deleted_at IS NULL FOR UPDATE""")
                        .setParameter("d", d).getSingleResultOrNull();
                if (pending == null) {
                    return false;
                }
                boolean recordedAgain = (Boolean) em.createNativeQuery("SELECT EXISTS (SELECT 1 FROM blob WHERE digest = :d)")
                        .setParameter("d", d).getSingleResult();
                if (recordedAgain) {
                    em.createNativeQuery("DELETE FROM gc_blob_deletion WHERE digest = :d").setParameter("d", d).executeUpdate();
                    return false;
                }
                try {
                    deleter.delete(digest);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                em.createNativeQuery("UPDATE gc_blob_deletion SET bytes_deleted_at = now() WHERE digest = :d")
                        .setParameter("d", d).executeUpdate();
                return true;
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    @Override
    public boolean guardRecreation(Digest digest) {
        return jpa.transaction(em -> {
            String d = digest.toString();
            em.createNativeQuery("SELECT pg_advisory_xact_lock_shared(:ns, hashtext(:d))")
                    .setParameter("ns", DELETION_LOCKS).setParameter("d", d).getSingleResult();
            return (Boolean) em.createNativeQuery("""
                            SELECT EXISTS (SELECT 1 FROM gc_blob_deletion WHERE digest = :d AND bytes_deleted_at IS NOT NULL)""")
                    .setParameter("d", d).getSingleResult();
        });
    }

    @Override
    @SuppressWarnings("unchecked")
    public List<Digest> unrecorded(List<Digest> digests) {
        if (digests.isEmpty()) {
            return List.of();
        }
        return jpa.transaction(em -> ((List<String>) em.createNativeQuery("""
                        SELECT s.digest FROM unnest(:digests) AS s(digest)
                        WHERE NOT EXISTS (SELECT 1 FROM blob b WHERE b.digest = s.digest)
                          AND NOT EXISTS (SELECT 1 FROM gc_blob_deletion x WHERE x.digest = s.digest AND x.bytes_deleted_at IS NULL)
                        ORDER BY s.digest""")
                .setParameter("digests", strings(digests))
                .getResultList()).stream().map(Digest::parse).toList());
    }

    @Override
    @SuppressWarnings("unchecked")
    public List<Digest> noteOrphans(List<Digest> digests, Instant now, Instant firstSeenBefore) {
        if (digests.isEmpty()) {
            return List.of();
        }
        return jpa.transaction(em -> {
            em.createNativeQuery("""
                            INSERT INTO gc_orphan_candidate (digest, first_seen, last_seen)
                            SELECT s.digest, :now, :now FROM unnest(:digests) AS s(digest)
                            ON CONFLICT (digest) DO UPDATE SET last_seen = EXCLUDED.last_seen""")
                    .setParameter("digests", strings(digests)).setParameter("now", now).executeUpdate();
            return ((List<String>) em.createNativeQuery("""
                            SELECT digest FROM gc_orphan_candidate WHERE digest = ANY(:digests) AND first_seen <= :before
                            ORDER BY digest""")
                    .setParameter("digests", strings(digests)).setParameter("before", firstSeenBefore)
                    .getResultList()).stream().map(Digest::parse).toList();
        });
    }

    @Override
    public void forgetOrphansNotSeenSince(Instant before) {
        jpa.transaction(em -> em.createNativeQuery("DELETE FROM gc_orphan_candidate WHERE last_seen < :before")
                .setParameter("before", before).executeUpdate());
    }

    @Override
    public boolean condemnOrphan(Digest digest, long size) {
        return jpa.transaction(em -> {
            String d = digest.toString();
            em.createNativeQuery("DELETE FROM gc_orphan_candidate WHERE digest = :d").setParameter("d", d).executeUpdate();
            // committed before the bytes go: an upload recording this digest from now on sees the deletion
            return em.createNativeQuery("""
                            INSERT INTO gc_blob_deletion (digest, size, reason, condemned_at)
                            SELECT :d, :size, :reason, now() WHERE NOT EXISTS (SELECT 1 FROM blob WHERE digest = :d)
                            ON CONFLICT (digest) DO UPDATE SET size = EXCLUDED.size, reason = EXCLUDED.reason,
                                condemned_at = EXCLUDED.condemned_at, bytes_deleted_at = NULL""")
                    .setParameter("d", d).setParameter("size", size).setParameter("reason", ORPHAN_REASON)
                    .executeUpdate() > 0;
        });
    }

    @Override
    public void pruneDeletions(Instant before) {
        jpa.transaction(em -> em.createNativeQuery("DELETE FROM gc_blob_deletion WHERE bytes_deleted_at < :before")
                .setParameter("before", before).executeUpdate());
    }

    @Override
    public QueueStatus queueStatus() {
        return jpa.transaction(em -> {
            Object[] row = (Object[]) em.createNativeQuery("""
                    SELECT (SELECT count(*) FROM gc_blob_review), (SELECT count(*) FROM gc_manifest_review),
                           (SELECT count(*) FROM gc_blob_deletion WHERE bytes_deleted_at IS NULL),
                           LEAST((SELECT min(queued_at) FROM gc_blob_review), (SELECT min(queued_at) FROM gc_manifest_review))""")
                    .getSingleResult();
            return new QueueStatus(((Number) row[0]).longValue(), ((Number) row[1]).longValue(),
                    ((Number) row[2]).longValue(), Optional.ofNullable(Rows.instant(row[3])));
        });
    }

    @Override
    public boolean tryLease(String holder, Instant now, Duration length) {
        return jpa.transaction(em -> em.createNativeQuery("""
                        UPDATE gc_lease SET holder = :holder, until = :until
                        WHERE id = 1 AND (holder IS NULL OR holder = :holder OR until < :now)""")
                .setParameter("holder", holder).setParameter("until", now.plus(length)).setParameter("now", now)
                .executeUpdate() > 0);
    }

    @Override
    public void releaseLease(String holder) {
        jpa.transaction(em -> em.createNativeQuery("UPDATE gc_lease SET holder = NULL, until = NULL WHERE id = 1 AND holder = :holder")
                .setParameter("holder", holder).executeUpdate());
    }

    @Override
    public void recordRun(Run run) {
        jpa.transaction(em -> {
            em.createNativeQuery("""
                            INSERT INTO gc_run (started_at, finished_at, started_by, dry_run, blobs_reviewed, blobs_freed,
                                                bytes_freed, manifests_freed, orphans_freed, orphan_bytes, skipped)
                            VALUES (:started, :finished, :by, :dry, :reviewed, :blobs, :bytes, :manifests, :orphans,
                                    :orphanBytes, :skipped)""")
                    .setParameter("started", run.startedAt()).setParameter("finished", run.finishedAt())
                    .setParameter("by", run.startedBy()).setParameter("dry", run.dryRun())
                    .setParameter("reviewed", run.blobsReviewed()).setParameter("blobs", run.blobsFreed())
                    .setParameter("bytes", run.bytesFreed()).setParameter("manifests", run.manifestsFreed())
                    .setParameter("orphans", run.orphansFreed()).setParameter("orphanBytes", run.orphanBytes())
                    .setParameter("skipped", run.skipped().orElse(null))
                    .executeUpdate();
            // the last hundred runs are history enough
            return em.createNativeQuery("DELETE FROM gc_run WHERE id < (SELECT max(id) - 100 FROM gc_run)").executeUpdate();
        });
    }

    @Override
    public Optional<Run> lastRun() {
        return jpa.transaction(em -> Rows.of(em.createNativeQuery("""
                        SELECT started_at, finished_at, started_by, dry_run, blobs_reviewed, blobs_freed, bytes_freed,
                               manifests_freed, orphans_freed, orphan_bytes, skipped
                        FROM gc_run ORDER BY id DESC LIMIT 1"""))
                .map(r -> new Run(Rows.instant(r[0]), Rows.instant(r[1]), (String) r[2], Rows.bool(r[3]), num(r[4]),
                        num(r[5]), num(r[6]), num(r[7]), num(r[8]), num(r[9]), Optional.ofNullable((String) r[10])))
                .findFirst());
    }

    private static long num(Object value) {
        return ((Number) value).longValue();
    }

    private static String[] strings(List<Digest> digests) {
        return digests.stream().map(Digest::toString).toArray(String[]::new);
    }

}
