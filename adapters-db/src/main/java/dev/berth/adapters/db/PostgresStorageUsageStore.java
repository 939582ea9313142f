package dev.berth.adapters.db;

import dev.berth.application.port.StorageUsageStore;
import dev.berth.application.usage.NamespaceUsage;
import dev.berth.application.usage.Quota;
import dev.berth.application.usage.RegistryUsage;
import dev.berth.domain.Digest;

import java.sql.PreparedStatement;
import java.sql.Types;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Usage in {@code namespace_usage} and {@code registry_usage}, which V16's triggers keep for every
 * link, manifest and repository change (added when its transaction commits: V17); quotas in the
 * namespace's row.
 */
public final class PostgresStorageUsageStore implements StorageUsageStore {

    private static final String SELECT_NAMESPACE = """
            SELECT u.namespace, u.repositories, u.blob_count, u.blob_bytes, u.manifest_bytes, u.quota_bytes,
                   u.quota_repositories FROM namespace_usage u""";
    /** A namespace whose repositories all went and that has no quota is no namespace any more. */
    private static final String LIMITED = "(u.quota_bytes IS NOT NULL OR u.quota_repositories IS NOT NULL)";
    private static final String LISTED = "(u.repositories > 0 OR u.quota_bytes IS NOT NULL OR u.quota_repositories IS NOT NULL)";

    /** The advisory lock class of quota turns, keyed by the namespace's hash ("qu"). */
    private static final int QUOTA_TURNS = 0x7175;

    private final Jpa jpa;

    public PostgresStorageUsageStore(MetadataDatabase database) {
        this.jpa = database.jpa();
    }

    @Override
    public RegistryUsage registry() {
        return jpa.transaction(em -> {
            Object[] row = (Object[]) em.createNativeQuery("""
                    SELECT count(*) FILTER (WHERE u.repositories > 0), COALESCE(sum(u.repositories), 0),
                           (SELECT blob_count FROM registry_usage), (SELECT blob_bytes FROM registry_usage),
                           COALESCE(sum(u.manifest_bytes), 0)
                    FROM namespace_usage u""").getSingleResult();
            return new RegistryUsage(number(row[0]), number(row[1]), number(row[2]), number(row[3]), number(row[4]));
        });
    }

    @Override
    public List<NamespaceUsage> largest(int offset, int limit) {
        // a backward scan of namespace_usage_by_size
        return jpa.transaction(em -> Rows.of(em.createNativeQuery(SELECT_NAMESPACE + " WHERE " + LISTED
                        + " ORDER BY u.stored_bytes DESC, u.namespace DESC")
                        .setFirstResult(offset).setMaxResults(limit))
                .map(PostgresStorageUsageStore::toUsage).toList());
    }

    @Override
    public long countNamespaces() {
        return jpa.transaction(em -> number(em.createNativeQuery("SELECT count(*) FROM namespace_usage u WHERE " + LISTED)
                .getSingleResult()));
    }

    @Override
    public Optional<NamespaceUsage> namespace(String namespace) {
        return jpa.transaction(em -> Rows.of(em.createNativeQuery(SELECT_NAMESPACE + " WHERE u.namespace = :namespace AND "
                        + LISTED).setParameter("namespace", namespace))
                .map(PostgresStorageUsageStore::toUsage).findFirst());
    }

    @Override
    public void setQuota(String namespace, Quota quota) {
        // JDBC: a null that is typed, which a JPA parameter is not
        jpa.jdbc(connection -> {
            try (PreparedStatement insert = connection.prepareStatement("""
                    INSERT INTO namespace_usage (namespace, quota_bytes, quota_repositories) VALUES (?, ?, ?)
                    ON CONFLICT (namespace) DO UPDATE SET quota_bytes = EXCLUDED.quota_bytes,
                                                          quota_repositories = EXCLUDED.quota_repositories""")) {
                insert.setString(1, namespace);
                insert.setObject(2, boxed(quota.maxBytes()), Types.BIGINT);
                insert.setObject(3, boxed(quota.maxRepositories()), Types.BIGINT);
                return insert.executeUpdate();
            }
        });
    }

    /**
     * Takes the namespace's quota turn, an advisory lock rather than its usage row's lock: that row is
     * locked last, at commit, by every change of the namespace (V17), and a push locking it first would
     * deadlock with them. The turn is held until this transaction ends, after its changes are added to
     * the row, so the next push of the namespace reads them; its own pending changes are added here.
     */
    @Override
    public Optional<NamespaceUsage> lockQuota(String namespace) {
        return jpa.transaction(em -> {
            if (!Jpa.exists(em.createNativeQuery("SELECT 1 FROM namespace_usage u WHERE u.namespace = :namespace AND "
                    + LIMITED).setParameter("namespace", namespace))) {
                // no turn to take: pushes into namespaces without a quota do not wait for each other
                return Optional.<NamespaceUsage>empty();
            }
            em.createNativeQuery("SELECT pg_advisory_xact_lock(:turns, hashtext(:namespace))")
                    .setParameter("turns", QUOTA_TURNS).setParameter("namespace", namespace).getSingleResult();
            return Rows.of(em.createNativeQuery("""
                            SELECT u.namespace, u.repositories + c.repositories, u.blob_count + c.blob_count,
                                   u.blob_bytes + c.blob_bytes, u.manifest_bytes + c.manifest_bytes, u.quota_bytes,
                                   u.quota_repositories
                            FROM namespace_usage u,
                                 (SELECT COALESCE(sum(repositories), 0) AS repositories, COALESCE(sum(blob_count), 0) AS blob_count,
                                         COALESCE(sum(blob_bytes), 0) AS blob_bytes, COALESCE(sum(manifest_bytes), 0) AS manifest_bytes
                                  FROM usage_change WHERE namespace = :namespace) c
                            WHERE u.namespace = :namespace AND """ + LIMITED)
                    .setParameter("namespace", namespace))
                    .map(PostgresStorageUsageStore::toUsage).findFirst();
        });
    }

    @Override
    public boolean holds(String namespace, Digest digest) {
        return jpa.transaction(em -> Jpa.exists(em.createNativeQuery(
                        "SELECT 1 FROM namespace_blob WHERE namespace = :namespace AND digest = :digest")
                .setParameter("namespace", namespace)
                .setParameter("digest", digest.toString())));
    }

    private static NamespaceUsage toUsage(Object[] row) {
        return new NamespaceUsage((String) row[0], number(row[1]), number(row[2]), number(row[3]), number(row[4]),
                optional(row[5]), optional(row[6]));
    }

    private static OptionalLong optional(Object value) {
        return value == null ? OptionalLong.empty() : OptionalLong.of(number(value));
    }

    private static Long boxed(OptionalLong value) {
        return value.isPresent() ? value.getAsLong() : null;
    }

    private static long number(Object value) {
        return ((Number) value).longValue();
    }
}
