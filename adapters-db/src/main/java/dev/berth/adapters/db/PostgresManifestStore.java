package dev.berth.adapters.db;

import dev.berth.application.port.ManifestStore;
import dev.berth.application.port.Referrer;
import dev.berth.application.port.StoredManifest;
import dev.berth.domain.Digest;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.Tag;
import dev.berth.domain.error.ManifestBlobUnknownException;
import dev.berth.domain.manifest.MediaType;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Query;

import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * Manifests in the {@code manifest} table, with their annotations, blob references and child
 * references in side tables. A push writes each table in one statement; a read is one query.
 */
public final class PostgresManifestStore implements ManifestStore {

    /** The manifest row and, aggregated into arrays, its side-table rows in their order. */
    private static final String SELECT_MANIFEST = """
            SELECT m.digest, m.media_type, m.payload, m.artifact_type, m.subject, m.pushed_at,
                   ARRAY(SELECT a.name FROM manifest_annotation a WHERE a.manifest_id = m.id ORDER BY a.name),
                   ARRAY(SELECT a.value FROM manifest_annotation a WHERE a.manifest_id = m.id ORDER BY a.name),
                   ARRAY(SELECT b.digest FROM manifest_blob b WHERE b.manifest_id = m.id ORDER BY b.position),
                   ARRAY(SELECT c.digest FROM manifest_child c WHERE c.manifest_id = m.id ORDER BY c.position),
                   m.repository_id
            FROM manifest m
            """;

    /** The repository as a subquery: PostgreSQL then plans with its id as one known value. */
    private static final String REPOSITORY_ID = "(SELECT r.id FROM repository r WHERE r.name = :repository)";

    /** Manifests with no tag and in no index: both NOT EXISTS read an index (tag_by_manifest, manifest_child_by_child). */
    private static final String UNTAGGED = """
            FROM manifest m
            WHERE m.repository_id = %s
              AND NOT EXISTS (SELECT 1 FROM tag t WHERE t.repository_id = m.repository_id AND t.manifest_digest = m.digest)
              AND NOT EXISTS (SELECT 1 FROM manifest_child c WHERE c.repository_id = m.repository_id AND c.digest = m.digest)
            """.formatted(REPOSITORY_ID);

    private final Jpa jpa;
    private final ManifestCache cache;

    public PostgresManifestStore(MetadataDatabase database) {
        this.jpa = database.jpa();
        this.cache = database.manifestCache();
    }

    /**
     * Creates the repository too, if needed. The blobs must be recorded and the children stored in
     * the repository already, else the foreign keys fail the push.
     */
    @Override
    public void put(RepositoryName repository, StoredManifest manifest) {
        jpa.transaction(em -> {
            cache.changedOnCommit(jpa, repository);
            long repositoryId = PostgresRepositoryCatalog.ensureId(em, repository);
            lockReferenced(em, repositoryId, manifest);
            // a concurrent push of the same digest waits here for the first, then inserts nothing; an
            // existing row is locked (the update changes nothing), so that garbage collection cannot
            // delete it before the tag this push may set
            Long manifestId = (Long) em.createNativeQuery("""
                            INSERT INTO manifest (repository_id, digest, media_type, payload, artifact_type, subject,
                                                  pushed_at)
                            VALUES (:repository, :digest, :mediaType, :payload, :artifactType, :subject, :pushedAt)
                            ON CONFLICT (repository_id, digest) DO UPDATE SET digest = EXCLUDED.digest WHERE false
                            RETURNING id""", Long.class)
                    .setParameter("repository", repositoryId)
                    .setParameter("digest", manifest.digest().toString())
                    .setParameter("mediaType", manifest.mediaType().toString())
                    .setParameter("payload", manifest.payload())
                    .setParameter("artifactType", manifest.artifactType())
                    .setParameter("subject", manifest.subject() == null ? null : manifest.subject().toString())
                    .setParameter("pushedAt", manifest.pushedAt())
                    .getSingleResultOrNull();
            if (manifestId != null) {
                insertSideRows(em, manifestId, repositoryId, manifest);
            }
            return null;
        });
    }

    /**
     * Locks the blobs and child manifests the manifest references, so that garbage collection, which
     * decides under a lock on the same rows, cannot delete them before this push commits; one that it
     * deleted already makes the push fail as missing content, which the client may push again.
     */
    @SuppressWarnings("unchecked")
    private static void lockReferenced(EntityManager em, long repositoryId, StoredManifest manifest) {
        if (!manifest.blobs().isEmpty()) {
            List<String> present = em.createNativeQuery("""
                            SELECT digest FROM blob WHERE digest = ANY(:digests)
                            ORDER BY digest FOR KEY SHARE""")
                    .setParameter("digests", strings(manifest.blobs()))
                    .getResultList();
            manifest.blobs().stream().filter(d -> !present.contains(d.toString())).findFirst().ifPresent(d -> {
                throw new ManifestBlobUnknownException(d.toString());
            });
        }
        if (!manifest.children().isEmpty()) {
            List<String> present = em.createNativeQuery("""
                            SELECT digest FROM manifest WHERE repository_id = :repository AND digest = ANY(:digests)
                            ORDER BY digest FOR KEY SHARE""")
                    .setParameter("repository", repositoryId)
                    .setParameter("digests", strings(manifest.children()))
                    .getResultList();
            manifest.children().stream().filter(d -> !present.contains(d.toString())).findFirst().ifPresent(d -> {
                throw new ManifestBlobUnknownException(d.toString());
            });
        }
    }

    private static void insertSideRows(EntityManager em, long manifestId, long repositoryId, StoredManifest manifest) {
        if (!manifest.annotations().isEmpty()) {
            String[] names = manifest.annotations().keySet().toArray(String[]::new);
            String[] values = Arrays.stream(names).map(manifest.annotations()::get).toArray(String[]::new);
            em.createNativeQuery("""
                            INSERT INTO manifest_annotation (manifest_id, name, value)
                            SELECT :manifest, a.name, a.value FROM unnest(:names, :values) AS a(name, value)""")
                    .setParameter("manifest", manifestId)
                    .setParameter("names", names)
                    .setParameter("values", values)
                    .executeUpdate();
        }
        if (!manifest.blobs().isEmpty()) {
            em.createNativeQuery("""
                            INSERT INTO manifest_blob (manifest_id, position, digest)
                            SELECT :manifest, b.position - 1, b.digest
                            FROM unnest(:digests) WITH ORDINALITY AS b(digest, position)""")
                    .setParameter("manifest", manifestId)
                    .setParameter("digests", strings(manifest.blobs()))
                    .executeUpdate();
        }
        if (!manifest.children().isEmpty()) {
            em.createNativeQuery("""
                            INSERT INTO manifest_child (manifest_id, position, repository_id, digest)
                            SELECT :manifest, c.position - 1, :repository, c.digest
                            FROM unnest(:digests) WITH ORDINALITY AS c(digest, position)""")
                    .setParameter("manifest", manifestId)
                    .setParameter("repository", repositoryId)
                    .setParameter("digests", strings(manifest.children()))
                    .executeUpdate();
        }
    }

    /** From this node's cache when it holds it; see {@link ManifestCache}. */
    @Override
    public Optional<StoredManifest> get(RepositoryName repository, Digest digest) {
        return cached(repository, digest.toString(), () -> jpa.transaction(em -> em.createNativeQuery(SELECT_MANIFEST
                        + "WHERE m.repository_id = " + REPOSITORY_ID + " AND m.digest = :digest")
                .setParameter("repository", repository.value())
                .setParameter("digest", digest.toString())
                .getResultStream()
                .findFirst()
                .map(PostgresManifestStore::toCacheEntry)));
    }

    /** From this node's cache when it holds it; see {@link ManifestCache}. */
    @Override
    public Optional<StoredManifest> getTagged(RepositoryName repository, Tag tag) {
        return cached(repository, tag.value(), () -> jpa.transaction(em -> em.createNativeQuery(SELECT_MANIFEST
                        + "JOIN tag t ON t.repository_id = m.repository_id AND t.manifest_digest = m.digest "
                        + "WHERE t.repository_id = " + REPOSITORY_ID + " AND t.name = :tag")
                .setParameter("repository", repository.value())
                .setParameter("tag", tag.value())
                .getResultStream()
                .findFirst()
                .map(PostgresManifestStore::toCacheEntry)));
    }

    /** Inside a transaction, which may have changed the manifest itself, the database answers alone. */
    private Optional<StoredManifest> cached(RepositoryName repository, String reference,
                                            Supplier<Optional<ManifestCache.Entry>> load) {
        if (jpa.inTransaction()) {
            return load.get().map(ManifestCache.Entry::manifest);
        }
        return cache.get(repository, reference, load);
    }

    @Override
    public boolean exists(RepositoryName repository, Digest digest) {
        return jpa.transaction(em -> Jpa.exists(em.createQuery("""
                        SELECT m.id FROM ManifestEntity m
                        WHERE m.repository.name = :repository AND m.digest = :digest""")
                .setParameter("repository", repository.value())
                .setParameter("digest", digest.toString())));
    }

    /**
     * Its tags, references and annotations go with it (ON DELETE CASCADE).
     *
     * @throws jakarta.persistence.PersistenceException when an index in the repository still lists it
     */
    @Override
    public boolean delete(RepositoryName repository, Digest digest) {
        return jpa.transaction(em -> {
            DeletionTurns.take(em);
            cache.changedOnCommit(jpa, repository);
            return em.createQuery("""
                            DELETE FROM ManifestEntity m
                            WHERE m.repository.id = (SELECT r.id FROM RepositoryEntity r WHERE r.name = :repository)
                              AND m.digest = :digest""")
                    .setParameter("repository", repository.value())
                    .setParameter("digest", digest.toString())
                    .executeUpdate() > 0;
        });
    }

    @Override
    public boolean isChildOfAnother(RepositoryName repository, Digest digest) {
        return jpa.transaction(em -> Jpa.exists(em.createNativeQuery(
                        "SELECT 1 FROM manifest_child c WHERE c.repository_id = " + REPOSITORY_ID
                                + " AND c.digest = :digest")
                .setParameter("repository", repository.value())
                .setParameter("digest", digest.toString())));
    }

    /** Descriptor columns and annotations only: a referrer's payload (up to 4 MiB) is never read for a list. */
    @Override
    public List<Referrer> referrers(RepositoryName repository, Digest subject, Optional<String> artifactType,
                                    Optional<String> after, int limit) {
        String filter = (artifactType.isPresent() ? " AND m.artifact_type = :artifactType" : "")
                + (after.isPresent() ? " AND m.digest > :after" : "");
        return jpa.transaction(em -> {
            Query query = em.createNativeQuery("""
                            SELECT m.digest, m.media_type, m.artifact_type, m.size, m.pushed_at,
                                   ARRAY(SELECT a.name FROM manifest_annotation a WHERE a.manifest_id = m.id
                                         ORDER BY a.name),
                                   ARRAY(SELECT a.value FROM manifest_annotation a WHERE a.manifest_id = m.id
                                         ORDER BY a.name)
                            FROM manifest m
                            WHERE m.repository_id = %s AND m.subject = :subject%s
                            ORDER BY m.digest LIMIT :limit""".formatted(REPOSITORY_ID, filter))
                    .setParameter("repository", repository.value())
                    .setParameter("subject", subject.toString())
                    .setParameter("limit", limit);
            artifactType.ifPresent(type -> query.setParameter("artifactType", type));
            after.ifPresent(last -> query.setParameter("after", last));
            return Rows.of(query).map(PostgresManifestStore::toReferrer).toList();
        });
    }

    @Override
    public long countReferrers(RepositoryName repository, Digest subject) {
        return jpa.transaction(em -> ((Number) em.createNativeQuery(
                        "SELECT count(*) FROM manifest m WHERE m.repository_id = " + REPOSITORY_ID
                                + " AND m.subject = :subject")
                .setParameter("repository", repository.value())
                .setParameter("subject", subject.toString())
                .getSingleResult()).longValue());
    }

    @Override
    public List<BlobUse> blobUses(RepositoryName repository, Digest manifest) {
        return jpa.transaction(em -> {
            Map<Digest, BlobUse> uses = new LinkedHashMap<>();
            Rows.of(em.createNativeQuery("""
                                    SELECT b.digest, bl.size, EXISTS (SELECT 1 FROM manifest_blob o
                                                                      WHERE o.digest = b.digest
                                                                        AND o.manifest_id <> b.manifest_id)
                                    FROM manifest m
                                    JOIN manifest_blob b ON b.manifest_id = m.id
                                    JOIN blob bl ON bl.digest = b.digest
                                    WHERE m.repository_id = %s AND m.digest = :digest
                                    ORDER BY b.position""".formatted(REPOSITORY_ID))
                            .setParameter("repository", repository.value())
                            .setParameter("digest", manifest.toString()))
                    .map(row -> new BlobUse(Digest.parse((String) row[0]), ((Number) row[1]).longValue(),
                            Rows.bool(row[2])))
                    // a layer listed twice is one blob
                    .forEach(use -> uses.putIfAbsent(use.digest(), use));
            return List.copyOf(uses.values());
        });
    }

    @Override
    public List<UntaggedManifest> untagged(RepositoryName repository, int offset, int limit) {
        return jpa.transaction(em -> Rows.of(em.createNativeQuery(
                                "SELECT m.digest, m.media_type, m.artifact_type, m.subject, m.pushed_at, " + PullSize.OF_M
                                        + " " + UNTAGGED + "ORDER BY m.pushed_at DESC, m.digest OFFSET :offset LIMIT :limit")
                        .setParameter("repository", repository.value())
                        .setParameter("offset", offset)
                        .setParameter("limit", limit))
                .map(row -> new UntaggedManifest(Digest.parse((String) row[0]), MediaType.parse((String) row[1]),
                        (String) row[2], row[3] == null ? null : Digest.parse((String) row[3]),
                        ((Number) row[5]).longValue(), Rows.instant(row[4])))
                .toList());
    }

    @Override
    public long countUntagged(RepositoryName repository) {
        return jpa.transaction(em -> ((Number) em.createNativeQuery("SELECT count(*) " + UNTAGGED)
                .setParameter("repository", repository.value())
                .getSingleResult()).longValue());
    }

    @Override
    public List<Digest> indexesListing(RepositoryName repository, Digest child, int limit) {
        return indexes("""
                SELECT DISTINCT m.digest FROM manifest_child c JOIN manifest m ON m.id = c.manifest_id
                WHERE c.repository_id = %s AND c.digest = :digest
                ORDER BY m.digest LIMIT :limit""", repository, child, limit, query -> query);
    }

    /** A byte search over the repository's indexes: only a pull-through cache's miss asks, rarely. */
    @Override
    public List<Digest> indexesNaming(RepositoryName repository, Digest child, int limit) {
        return indexes("""
                SELECT m.digest FROM manifest m
                WHERE m.repository_id = %s AND m.media_type = ANY(:indexTypes)
                  AND position(convert_to(:digest, 'UTF8') IN m.payload) > 0
                  AND NOT EXISTS (SELECT 1 FROM manifest_child c WHERE c.manifest_id = m.id AND c.digest = :digest)
                ORDER BY m.digest LIMIT :limit""", repository, child, limit,
                query -> query.setParameter("indexTypes", new String[] {MediaType.OCI_INDEX_V1.toString(),
                        MediaType.DOCKER_MANIFEST_LIST_V2.toString()}));
    }

    /** The digests {@code sql} (the repository's id as %s, :digest the child's, :limit) finds, in its order. */
    private List<Digest> indexes(String sql, RepositoryName repository, Digest child, int limit,
                                 UnaryOperator<Query> more) {
        return jpa.transaction(em -> ((List<?>) more.apply(em.createNativeQuery(sql.formatted(REPOSITORY_ID))
                        .setParameter("repository", repository.value())
                        .setParameter("digest", child.toString())
                        .setParameter("limit", limit))
                .getResultList()).stream()
                .map(digest -> Digest.parse((String) digest))
                .toList());
    }

    @Override
    public void addChild(RepositoryName repository, Digest index, Digest child) {
        jpa.transaction(em -> {
            cache.changedOnCommit(jpa, repository);
            // the index's row is locked against a concurrent addition (the next position), the child's as a
            // push locks what it references, so that garbage collection cannot delete it meanwhile
            List<?> rows = em.createNativeQuery("""
                            SELECT m.id, m.repository_id, m.digest FROM manifest m
                            WHERE m.repository_id = %s AND m.digest IN (:index, :child)
                            ORDER BY m.digest FOR NO KEY UPDATE""".formatted(REPOSITORY_ID))
                    .setParameter("repository", repository.value())
                    .setParameter("index", index.toString())
                    .setParameter("child", child.toString())
                    .getResultList();
            if (rows.size() < 2) {
                return null;
            }
            Object[] indexRow = rows.stream().map(Object[].class::cast)
                    .filter(row -> row[2].equals(index.toString())).findFirst().orElseThrow();
            em.createNativeQuery("""
                            INSERT INTO manifest_child (manifest_id, position, repository_id, digest)
                            SELECT :manifest, COALESCE(max(c.position) + 1, 0), :repositoryId, :child
                            FROM manifest_child c WHERE c.manifest_id = :manifest
                            HAVING bool_or(c.digest = :child) IS NOT TRUE""")
                    .setParameter("manifest", ((Number) indexRow[0]).longValue())
                    .setParameter("repositoryId", ((Number) indexRow[1]).longValue())
                    .setParameter("child", child.toString())
                    .executeUpdate();
            return null;
        });
    }

    @Override
    public long storedBytes(String prefix) {
        return jpa.transaction(em -> ((Number) em.createNativeQuery("""
                        WITH m AS (SELECT m.id, m.payload FROM manifest m JOIN repository r ON r.id = m.repository_id
                                   WHERE starts_with(r.name, :prefix))
                        SELECT COALESCE((SELECT sum(b.size) FROM blob b WHERE b.digest IN
                                            (SELECT mb.digest FROM manifest_blob mb JOIN m ON m.id = mb.manifest_id)), 0)
                             + COALESCE((SELECT sum(octet_length(m.payload)) FROM m), 0)""")
                .setParameter("prefix", prefix)
                .getSingleResult()).longValue());
    }

    @Override
    public List<PulledManifest> leastRecentlyPulled(String prefix, int limit) {
        return jpa.transaction(em -> Rows.of(em.createNativeQuery("""
                        SELECT r.name, m.digest, COALESCE(m.pulled_at, m.pushed_at) AS at
                        FROM manifest m JOIN repository r ON r.id = m.repository_id
                        WHERE starts_with(r.name, :prefix)
                          AND NOT EXISTS (SELECT 1 FROM manifest_child c
                                          WHERE c.repository_id = m.repository_id AND c.digest = m.digest)
                        ORDER BY at, r.name, m.digest LIMIT :limit""")
                        .setParameter("prefix", prefix)
                        .setParameter("limit", limit))
                .map(row -> new PulledManifest(new RepositoryName((String) row[0]), Digest.parse((String) row[1]),
                        Rows.instant(row[2])))
                .toList());
    }

    @Override
    public void manifestsPulled(Map<ManifestRef, Instant> pulls) {
        if (pulls.isEmpty()) {
            return;
        }
        List<String> repositories = new ArrayList<>();
        List<String> digests = new ArrayList<>();
        List<Timestamp> times = new ArrayList<>();
        pulls.forEach((ref, at) -> {
            repositories.add(ref.repository().value());
            digests.add(ref.digest().toString());
            times.add(Timestamp.from(at));
        });
        // one statement for the whole batch; a manifest deleted meanwhile matches no row
        jpa.jdbc(connection -> {
            try (PreparedStatement update = connection.prepareStatement("""
                    UPDATE manifest m SET pulled_at = GREATEST(m.pulled_at, p.at)
                    FROM unnest(?::text[], ?::text[], ?::timestamptz[]) AS p(repository, digest, at)
                    JOIN repository r ON r.name = p.repository
                    WHERE m.repository_id = r.id AND m.digest = p.digest""")) {
                update.setArray(1, connection.createArrayOf("text", repositories.toArray()));
                update.setArray(2, connection.createArrayOf("text", digests.toArray()));
                update.setArray(3, connection.createArrayOf("timestamptz", times.toArray()));
                return update.executeUpdate();
            }
        });
    }

    @Override
    public Map<Digest, Long> pullSizes(RepositoryName repository, Collection<Digest> manifests) {
        if (manifests.isEmpty()) {
            return Map.of();
        }
        return jpa.transaction(em -> Rows.of(em.createNativeQuery("SELECT m.digest, " + PullSize.OF_M
                                + " FROM manifest m WHERE m.repository_id = " + REPOSITORY_ID
                                + " AND m.digest = ANY(:digests)")
                        .setParameter("repository", repository.value())
                        .setParameter("digests", manifests.stream().map(Digest::toString).distinct()
                                .toArray(String[]::new)))
                .collect(Collectors.toMap(row -> Digest.parse((String) row[0]), row -> ((Number) row[1]).longValue())));
    }

    private static ManifestCache.Entry toCacheEntry(Object row) {
        return new ManifestCache.Entry(((Number) ((Object[]) row)[10]).longValue(), toManifest(row));
    }

    private static StoredManifest toManifest(Object row) {
        Object[] columns = (Object[]) row;
        String subject = (String) columns[4];
        Instant pushedAt = (Instant) columns[5];
        return new StoredManifest(Digest.parse((String) columns[0]), MediaType.parse((String) columns[1]),
                (byte[]) columns[2], (String) columns[3], subject == null ? null : Digest.parse(subject),
                annotations(columns[6], columns[7]),
                digests((String[]) columns[8]), digests((String[]) columns[9]), pushedAt);
    }

    private static Referrer toReferrer(Object[] columns) {
        return new Referrer(Digest.parse((String) columns[0]), MediaType.parse((String) columns[1]),
                (String) columns[2], ((Number) columns[3]).longValue(), annotations(columns[5], columns[6]),
                Rows.instant(columns[4]));
    }

    private static Map<String, String> annotations(Object names, Object values) {
        String[] annotationNames = (String[]) names;
        String[] annotationValues = (String[]) values;
        Map<String, String> annotations = new HashMap<>();
        for (int i = 0; i < annotationNames.length; i++) {
            annotations.put(annotationNames[i], annotationValues[i]);
        }
        return annotations;
    }

    private static String[] strings(List<Digest> digests) {
        return digests.stream().map(Digest::toString).toArray(String[]::new);
    }

    private static List<Digest> digests(String[] digests) {
        return Arrays.stream(digests).map(Digest::parse).toList();
    }
}
