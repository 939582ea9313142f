package dev.berth.adapters.db;

import dev.berth.application.browse.NamespaceSummary;
import dev.berth.application.browse.RepositorySort;
import dev.berth.application.browse.RepositorySummary;
import dev.berth.application.port.RepositoryCatalog;
import dev.berth.application.port.RepositoryFilter;
import dev.berth.domain.Digest;
import dev.berth.domain.RepositoryName;
import jakarta.persistence.EntityManager;

import java.util.List;
import java.util.Optional;

/**
 * Repositories in the {@code repository} table, with the numbers that V6's triggers keep in each
 * row, so that listings sort by an index and never aggregate.
 */
public final class PostgresRepositoryCatalog implements RepositoryCatalog {

    private static final String SELECT_SUMMARY = """
            SELECT r.name, r.tag_count, r.manifest_count, r.stored_bytes, r.last_push_at FROM repository r""";

    private final Jpa jpa;
    private final ManifestCache cache;

    public PostgresRepositoryCatalog(MetadataDatabase database) {
        this.jpa = database.jpa();
        this.cache = database.manifestCache();
    }

    @Override
    public void ensure(RepositoryName name) {
        jpa.transaction(em -> ensureId(em, name));
    }

    @Override
    public boolean exists(RepositoryName name) {
        return jpa.transaction(em -> find(em, name).isPresent());
    }

    @Override
    public List<RepositoryName> list(RepositoryFilter filter, Optional<String> after, int limit) {
        RepositoryConditions conditions = RepositoryConditions.of(filter);
        return jpa.transaction(em -> {
            // a plan for the patterns at hand: a prefix pattern becomes an index range, so a caller who may
            // see little examines little; a cached generic plan would walk the name index with a filter
            em.createNativeQuery("SELECT set_config('plan_cache_mode', 'force_custom_plan', true)").getSingleResult();
            // "" sorts before every name; the unique index on name serves the range scan and the order
            return conditions.bind(em.createNativeQuery(listSql(conditions), String.class))
                    .setParameter("after", after.orElse(""))
                    .setMaxResults(limit)
                    .getResultStream()
                    .map(name -> new RepositoryName((String) name))
                    .toList();
        });
    }

    /** The query of a catalog page, without its limit; a test EXPLAINs it. */
    static String listSql(RepositoryConditions conditions) {
        return "SELECT r.name FROM repository r" + conditions.where("r.name > :after") + " ORDER BY r.name";
    }

    @Override
    public List<RepositorySummary> browse(RepositoryFilter filter, RepositorySort sort, boolean descending, int offset,
                                          int limit) {
        RepositoryConditions conditions = RepositoryConditions.of(filter);
        String sql = browseSql(conditions, sort, descending);
        return jpa.transaction(em -> Rows.of(conditions.bind(em.createNativeQuery(sql))
                        .setFirstResult(offset)
                        .setMaxResults(limit))
                .map(PostgresRepositoryCatalog::toSummary)
                .toList());
    }

    /** The query of a page, without its offset and limit; a test EXPLAINs it. */
    static String browseSql(RepositoryConditions conditions, RepositorySort sort, boolean descending) {
        // each order has its index: name's unique one, repository_by_last_push, repository_by_size
        String order = switch (sort) {
            case NAME -> descending ? "r.name DESC" : "r.name";
            case LAST_PUSH -> descending ? "r.last_push_at DESC NULLS LAST, r.name DESC"
                    : "r.last_push_at NULLS FIRST, r.name";
            case SIZE -> descending ? "r.stored_bytes DESC, r.name DESC" : "r.stored_bytes, r.name";
        };
        return SELECT_SUMMARY + conditions.where() + " ORDER BY " + order;
    }

    @Override
    public long count(RepositoryFilter filter) {
        RepositoryConditions conditions = RepositoryConditions.of(filter);
        return jpa.transaction(em -> number(conditions.bind(em.createNativeQuery(
                "SELECT count(*) FROM repository r" + conditions.where())).getSingleResult()));
    }

    @Override
    public List<NamespaceSummary> namespaces(RepositoryFilter filter, int limit) {
        RepositoryConditions conditions = RepositoryConditions.of(filter);
        // split_part keeps the column's collation "C": byte order, as everywhere else
        return jpa.transaction(em -> Rows.of(conditions.bind(em.createNativeQuery(
                                "SELECT split_part(r.name, '/', 1), count(*) FROM repository r"
                                        + conditions.where("strpos(r.name, '/') > 0") + " GROUP BY 1 ORDER BY 1"))
                        .setMaxResults(limit))
                .map(row -> new NamespaceSummary((String) row[0], number(row[1])))
                .toList());
    }

    @Override
    public Optional<RepositorySummary> summary(RepositoryName name) {
        return jpa.transaction(em -> Rows.of(em.createNativeQuery(SELECT_SUMMARY + " WHERE r.name = :name")
                        .setParameter("name", name.value()))
                .map(PostgresRepositoryCatalog::toSummary)
                .findFirst());
    }

    /** A cascading delete (see V2__registry.sql); the triggers' updates of the deleted row find nothing. */
    @Override
    public Optional<List<Digest>> delete(RepositoryName name) {
        return jpa.transaction(em -> {
            DeletionTurns.take(em);
            // locked first: a concurrent push waits (its foreign key check needs the row) and then fails,
            // so no manifest goes without being among those returned
            Long id = (Long) em.createNativeQuery("SELECT r.id FROM repository r WHERE r.name = :name FOR UPDATE",
                            Long.class)
                    .setParameter("name", name.value())
                    .getSingleResultOrNull();
            if (id == null) {
                return Optional.empty();
            }
            cache.changedOnCommit(jpa, name);
            // the blobs it links or lists, locked in digest order before the cascade updates their usage
            // counters and GC queue entries in whatever order it meets them: garbage collection's review
            // of one of them (which locks the blob first) or a push of one then waits instead of deadlocking
            em.createNativeQuery("""
                            SELECT b.digest FROM blob b
                            WHERE b.digest IN (SELECT l.digest FROM repository_blob l WHERE l.repository_id = :id
                                               UNION
                                               SELECT mb.digest FROM manifest_blob mb JOIN manifest m ON m.id = mb.manifest_id
                                               WHERE m.repository_id = :id)
                            ORDER BY b.digest FOR UPDATE""")
                    .setParameter("id", id)
                    .getResultList();
            List<?> digests = em.createNativeQuery("""
                            SELECT m.digest FROM manifest m WHERE m.repository_id = :id
                            ORDER BY EXISTS (SELECT 1 FROM manifest_child c WHERE c.manifest_id = m.id) DESC, m.id""")
                    .setParameter("id", id)
                    .getResultList();
            // an index's references to its images first: their foreign key is checked per cascaded step,
            // and a cascade may reach an image before the index that lists it
            em.createNativeQuery("DELETE FROM manifest_child WHERE repository_id = :id").setParameter("id", id)
                    .executeUpdate();
            em.createNativeQuery("DELETE FROM repository WHERE id = :id").setParameter("id", id).executeUpdate();
            return Optional.of(digests.stream().map(digest -> Digest.parse((String) digest)).toList());
        });
    }

    @Override
    public Totals totals() {
        // the repositories' numbers, not count(*) over tags and manifests: those are the big tables
        return jpa.transaction(em -> {
            Object[] row = (Object[]) em.createNativeQuery("""
                    SELECT count(*), COALESCE(sum(r.tag_count), 0), COALESCE(sum(r.manifest_count), 0),
                           (SELECT count(*) FROM blob),
                           (SELECT COALESCE(sum(b.size), 0) FROM blob b) + COALESCE(sum(r.manifest_bytes), 0)
                    FROM repository r""").getSingleResult();
            return new Totals(number(row[0]), number(row[1]), number(row[2]), number(row[3]), number(row[4]));
        });
    }

    private static RepositorySummary toSummary(Object[] row) {
        return new RepositorySummary(new RepositoryName((String) row[0]), number(row[1]), number(row[2]),
                number(row[3]), Optional.ofNullable(Rows.instant(row[4])));
    }

    private static long number(Object value) {
        return ((Number) value).longValue();
    }

    /** The repository's id, creating the repository first if needed; safe when requests race to create it. */
    static long ensureId(EntityManager em, RepositoryName name) {
        // look first: the repository almost always exists, and a conflicting insert still uses up an id
        Optional<Long> existing = find(em, name);
        if (existing.isPresent()) {
            return existing.get();
        }
        Long inserted = (Long) em.createNativeQuery("""
                        INSERT INTO repository (name) VALUES (:name)
                        ON CONFLICT (name) DO NOTHING RETURNING id""", Long.class)
                .setParameter("name", name.value())
                .getSingleResultOrNull();
        // null when a concurrent request created it first; this later statement's snapshot sees its row
        return inserted != null ? inserted : find(em, name).orElseThrow();
    }

    private static Optional<Long> find(EntityManager em, RepositoryName name) {
        return em.createQuery("SELECT r.id FROM RepositoryEntity r WHERE r.name = :name", Long.class)
                .setParameter("name", name.value())
                .getResultStream()
                .findFirst();
    }
}
