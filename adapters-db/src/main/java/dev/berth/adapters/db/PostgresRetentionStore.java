package dev.berth.adapters.db;

import dev.berth.application.port.RetentionStore;
import dev.berth.application.retention.RetainedTag;
import dev.berth.application.retention.RetentionPolicy;
import dev.berth.domain.Digest;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.Tag;
import dev.berth.domain.access.RepositoryPattern;

import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/** Retention policies in {@code retention_policy}, tag pull times in {@code tag.pulled_at} (V16). */
public final class PostgresRetentionStore implements RetentionStore {

    private static final String REPOSITORY_ID = "(SELECT r.id FROM repository r WHERE r.name = :repository)";

    private final Jpa jpa;

    public PostgresRetentionStore(MetadataDatabase database) {
        this.jpa = database.jpa();
    }

    @Override
    public List<RetentionPolicy> policies() {
        return jpa.transaction(em -> Rows.of(em.createNativeQuery("""
                        SELECT id, repository_pattern, keep_last, keep_matching, keep_pulled_days
                        FROM retention_policy ORDER BY id"""))
                .map(r -> new RetentionPolicy(((Number) r[0]).longValue(), new RepositoryPattern((String) r[1]),
                        optionalInt(r[2]), Optional.ofNullable((String) r[3]), optionalInt(r[4])))
                .toList());
    }

    @Override
    public RetentionPolicy add(RetentionPolicy policy, Instant at) {
        return jpa.jdbc(connection -> {
            try (PreparedStatement insert = connection.prepareStatement("""
                    INSERT INTO retention_policy (repository_pattern, keep_last, keep_matching, keep_pulled_days, created_at)
                    VALUES (?, ?, ?, ?, ?) ON CONFLICT (repository_pattern) DO NOTHING RETURNING id""")) {
                insert.setString(1, policy.repositories().value());
                insert.setObject(2, policy.keepLast().isPresent() ? policy.keepLast().getAsInt() : null, Types.INTEGER);
                insert.setString(3, policy.keepMatching().orElse(null));
                insert.setObject(4, policy.keepPulledDays().isPresent() ? policy.keepPulledDays().getAsInt() : null,
                        Types.INTEGER);
                insert.setTimestamp(5, Timestamp.from(at));
                try (ResultSet id = insert.executeQuery()) {
                    if (!id.next()) {
                        throw new IllegalArgumentException("repositories " + policy.repositories().value()
                                + " have a retention policy already");
                    }
                    return new RetentionPolicy(id.getLong(1), policy.repositories(), policy.keepLast(),
                            policy.keepMatching(), policy.keepPulledDays());
                }
            }
        });
    }

    @Override
    public boolean remove(long id) {
        return jpa.transaction(em -> em.createNativeQuery("DELETE FROM retention_policy WHERE id = :id")
                .setParameter("id", id).executeUpdate() > 0);
    }

    @Override
    public List<RetainedTag> tags(RepositoryName repository) {
        return jpa.transaction(em -> Rows.of(em.createNativeQuery("""
                        SELECT t.name, t.manifest_digest, t.updated_at, t.pulled_at FROM tag t
                        WHERE t.repository_id = """ + REPOSITORY_ID + " ORDER BY t.name")
                        .setParameter("repository", repository.value()))
                .map(r -> new RetainedTag(new Tag((String) r[0]), Digest.parse((String) r[1]), Rows.instant(r[2]),
                        Optional.ofNullable(Rows.instant(r[3]))))
                .toList());
    }

    @Override
    public void pulled(Map<TagRef, Instant> pulls) {
        if (pulls.isEmpty()) {
            return;
        }
        List<String> repositories = new ArrayList<>();
        List<String> tags = new ArrayList<>();
        List<Timestamp> times = new ArrayList<>();
        pulls.forEach((ref, at) -> {
            repositories.add(ref.repository().value());
            tags.add(ref.tag().value());
            times.add(Timestamp.from(at));
        });
        // one statement for the whole batch; a tag deleted meanwhile matches no row
        jpa.jdbc(connection -> {
            try (PreparedStatement update = connection.prepareStatement("""
                    UPDATE tag t SET pulled_at = GREATEST(t.pulled_at, p.at)
                    FROM unnest(?::text[], ?::text[], ?::timestamptz[]) AS p(repository, name, at)
                    JOIN repository r ON r.name = p.repository
                    WHERE t.repository_id = r.id AND t.name = p.name""")) {
                Array repositoryArray = connection.createArrayOf("text", repositories.toArray());
                Array tagArray = connection.createArrayOf("text", tags.toArray());
                Array timeArray = connection.createArrayOf("timestamptz", times.toArray());
                update.setArray(1, repositoryArray);
                update.setArray(2, tagArray);
                update.setArray(3, timeArray);
                return update.executeUpdate();
            }
        });
    }

    @Override
    public boolean lockTag(RepositoryName repository, Tag tag, Digest digest) {
        return jpa.transaction(em -> Jpa.exists(em.createNativeQuery("SELECT 1 FROM tag t WHERE t.repository_id = "
                        + REPOSITORY_ID + " AND t.name = :tag AND t.manifest_digest = :digest FOR UPDATE")
                .setParameter("repository", repository.value())
                .setParameter("tag", tag.value())
                .setParameter("digest", digest.toString())));
    }

    @Override
    public boolean lockManifest(RepositoryName repository, Digest digest) {
        return jpa.transaction(em -> Jpa.exists(em.createNativeQuery("SELECT 1 FROM manifest m WHERE m.repository_id = "
                        + REPOSITORY_ID + " AND m.digest = :digest FOR UPDATE")
                .setParameter("repository", repository.value())
                .setParameter("digest", digest.toString())));
    }

    @Override
    public boolean claimRun(Instant now, Duration interval) {
        return jpa.transaction(em -> em.createNativeQuery("""
                        UPDATE retention_run SET last_started_at = :now
                        WHERE last_started_at IS NULL OR last_started_at <= :due""")
                .setParameter("now", now)
                .setParameter("due", now.minus(interval))
                .executeUpdate() > 0);
    }

    private static OptionalInt optionalInt(Object value) {
        return value == null ? OptionalInt.empty() : OptionalInt.of(((Number) value).intValue());
    }
}
