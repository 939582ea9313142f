package dev.berth.adapters.db;

import dev.berth.application.browse.TagSort;
import dev.berth.application.port.TagStore;
import dev.berth.domain.Digest;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.Tag;
import dev.berth.domain.manifest.MediaType;
import jakarta.persistence.Query;

import java.util.List;
import java.util.Optional;

/** Tags in the {@code tag} table, each holding its manifest's digest. */
public final class PostgresTagStore implements TagStore {

    /** The repository as a subquery: PostgreSQL then plans with its id as one known value. */
    private static final String REPOSITORY_ID = "(SELECT r.id FROM repository r WHERE r.name = :repository)";
    private static final List<String> INDEX_TYPES = List.of(MediaType.OCI_INDEX_V1.toString(),
            MediaType.DOCKER_MANIFEST_LIST_V2.toString());

    private final Jpa jpa;
    private final ManifestCache cache;

    public PostgresTagStore(MetadataDatabase database) {
        this.jpa = database.jpa();
        this.cache = database.manifestCache();
    }

    /** @throws IllegalStateException when the repository has no such manifest */
    @Override
    public void tag(RepositoryName repository, Tag tag, Digest manifest) {
        // one upsert, so that concurrent pushes of the same tag never fail: the last one wins
        jpa.transaction(em -> {
            cache.changedOnCommit(jpa, repository);
            int rows = em.createNativeQuery("""
                            INSERT INTO tag (repository_id, name, manifest_digest, updated_at)
                            SELECT m.repository_id, :tag, m.digest, now()
                            FROM manifest m JOIN repository r ON r.id = m.repository_id
                            WHERE r.name = :repository AND m.digest = :digest
                            ON CONFLICT (repository_id, name) DO UPDATE
                            SET manifest_digest = EXCLUDED.manifest_digest, updated_at = EXCLUDED.updated_at""")
                    .setParameter("repository", repository.value())
                    .setParameter("tag", tag.value())
                    .setParameter("digest", manifest.toString())
                    .executeUpdate();
            if (rows == 0) {
                throw new IllegalStateException("No manifest " + manifest + " in " + repository + " to tag " + tag);
            }
            return null;
        });
    }

    @Override
    public Optional<Digest> resolve(RepositoryName repository, Tag tag) {
        return jpa.transaction(em -> em.createQuery("""
                        SELECT t.manifestDigest FROM TagEntity t
                        WHERE t.repository.name = :repository AND t.name = :tag""", String.class)
                .setParameter("repository", repository.value())
                .setParameter("tag", tag.value())
                .getResultStream()
                .findFirst()
                .map(Digest::parse));
    }

    @Override
    public List<Tag> list(RepositoryName repository, Optional<String> after, int limit) {
        String from = after.orElse("");
        if (jpa.inTransaction()) {
            return page(repository, from, limit).map(ManifestCache.TagPage::tags).orElse(List.of());
        }
        return cache.tagPage(repository, from, limit, () -> page(repository, from, limit));
    }

    /** Empty when the repository has no tags after {@code after} (or does not exist). */
    private Optional<ManifestCache.TagPage> page(RepositoryName repository, String after, int limit) {
        // "" sorts before every tag. The repository is a subquery, not a join, so that PostgreSQL
        // knows the repository_id to be one value and reads the primary key (repository_id, name)
        // in order, stopping after the page; with a join it sorts all the repository's tags first.
        List<Object[]> rows = jpa.transaction(em -> em.createQuery("""
                        SELECT t.name, t.repository.id FROM TagEntity t
                        WHERE t.repository.id = (SELECT r.id FROM RepositoryEntity r WHERE r.name = :repository)
                          AND t.name > :after
                        ORDER BY t.name""", Object[].class)
                .setParameter("repository", repository.value())
                .setParameter("after", after)
                .setMaxResults(limit)
                .getResultList());
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new ManifestCache.TagPage(((Number) rows.getFirst()[1]).longValue(),
                rows.stream().map(row -> new Tag((String) row[0])).toList()));
    }

    @Override
    public boolean untag(RepositoryName repository, Tag tag) {
        return jpa.transaction(em -> {
            cache.changedOnCommit(jpa, repository);
            return em.createQuery("""
                            DELETE FROM TagEntity t
                            WHERE t.repository.id = (SELECT r.id FROM RepositoryEntity r WHERE r.name = :repository)
                              AND t.name = :tag""")
                    .setParameter("repository", repository.value())
                    .setParameter("tag", tag.value())
                    .executeUpdate() > 0;
        });
    }

    /**
     * The page of tags first, in the order of the primary key or of tag_by_time, and only then, for
     * the page's rows alone, each manifest's size.
     */
    @Override
    public List<TaggedManifest> details(RepositoryName repository, String nameContains, TagSort sort,
                                        boolean descending, int offset, int limit, int maxIndexPayloadBytes) {
        String direction = descending ? " DESC" : "";
        String order = switch (sort) {
            case NAME -> "%1$s.name" + direction;
            case PUSHED -> "%1$s.updated_at" + direction + ", %1$s.name" + direction;
        };
        return jpa.transaction(em -> {
            Query query = em.createNativeQuery("""
                    SELECT p.name, p.manifest_digest, m.media_type, p.updated_at,
                           CASE WHEN m.media_type IN (:indexTypes) AND m.size <= :maxPayload THEN m.payload END,
                           %s,
                           m.artifact_type
                    FROM (SELECT t.repository_id, t.name, t.manifest_digest, t.updated_at FROM tag t
                          WHERE t.repository_id = %s%s
                          ORDER BY %s OFFSET :offset LIMIT :limit) p
                    JOIN manifest m ON m.repository_id = p.repository_id AND m.digest = p.manifest_digest
                    ORDER BY %s""".formatted(PullSize.OF_M, REPOSITORY_ID, nameCondition(nameContains),
                    order.formatted("t"), order.formatted("p")));
            return Rows.of(bind(query, repository, nameContains)
                            .setParameter("indexTypes", INDEX_TYPES)
                            .setParameter("maxPayload", maxIndexPayloadBytes)
                            .setParameter("offset", offset)
                            .setParameter("limit", limit))
                    .map(row -> new TaggedManifest(new Tag((String) row[0]), Digest.parse((String) row[1]),
                            MediaType.parse((String) row[2]), (String) row[6], ((Number) row[5]).longValue(),
                            Rows.instant(row[3]), Optional.ofNullable((byte[]) row[4])))
                    .toList();
        });
    }

    @Override
    public long count(RepositoryName repository, String nameContains) {
        return jpa.transaction(em -> ((Number) bind(em.createNativeQuery(
                        "SELECT count(*) FROM tag t WHERE t.repository_id = " + REPOSITORY_ID
                                + nameCondition(nameContains)), repository, nameContains)
                .getSingleResult()).longValue());
    }

    @Override
    public List<Tag> tagsOf(RepositoryName repository, Digest manifest) {
        return jpa.transaction(em -> ((List<?>) em.createNativeQuery(
                        "SELECT t.name FROM tag t WHERE t.repository_id = " + REPOSITORY_ID
                                + " AND t.manifest_digest = :digest ORDER BY t.name")
                .setParameter("repository", repository.value())
                .setParameter("digest", manifest.toString())
                .getResultList()).stream()
                .map(name -> new Tag((String) name))
                .toList());
    }

    /** Tags are ASCII, so ILIKE ignores exactly the case that matters; backslash escapes LIKE's wildcards. */
    private static String nameCondition(String nameContains) {
        return nameContains.isEmpty() ? "" : " AND t.name ILIKE :contains";
    }

    private static Query bind(Query query, RepositoryName repository, String nameContains) {
        query.setParameter("repository", repository.value());
        if (!nameContains.isEmpty()) {
            query.setParameter("contains", "%" + RepositoryConditions.escapeLike(nameContains) + "%");
        }
        return query;
    }
}
