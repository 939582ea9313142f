package dev.berth.adapters.db;

import dev.berth.application.port.MaintenanceStore;
import dev.berth.domain.access.ImmutableTagRule;
import dev.berth.domain.access.RepositoryPattern;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** The maintenance state in {@code maintenance_mode}, {@code maintenance_run} and {@code immutable_tag_rule}. */
public final class PostgresMaintenanceStore implements MaintenanceStore {

    private final Jpa jpa;

    public PostgresMaintenanceStore(MetadataDatabase database) {
        this.jpa = database.jpa();
    }

    @Override
    public boolean readOnly() {
        return jpa.transaction(em -> (Boolean) em.createNativeQuery("SELECT read_only FROM maintenance_mode")
                .getSingleResult());
    }

    @Override
    public void setReadOnly(boolean readOnly) {
        jpa.transaction(em -> em.createNativeQuery("UPDATE maintenance_mode SET read_only = :readOnly")
                .setParameter("readOnly", readOnly)
                .executeUpdate());
    }

    /** Of nodes claiming at once, the row lock lets one move last_run; the others see it moved and change nothing. */
    @Override
    public boolean claimRun(String job, Instant now, Duration interval) {
        return jpa.transaction(em -> em.createNativeQuery("""
                        INSERT INTO maintenance_run (job, last_run) VALUES (:job, :now)
                        ON CONFLICT (job) DO UPDATE SET last_run = EXCLUDED.last_run
                        WHERE maintenance_run.last_run <= :due""")
                .setParameter("job", job)
                .setParameter("now", now)
                .setParameter("due", now.minus(interval))
                .executeUpdate() == 1);
    }

    @Override
    public List<ImmutableTagRule> immutableTagRules() {
        return jpa.transaction(em -> ((List<?>) em.createNativeQuery(
                        "SELECT repository_pattern, tag_pattern FROM immutable_tag_rule ORDER BY id").getResultList())
                .stream()
                .map(row -> (Object[]) row)
                .map(row -> new ImmutableTagRule(new RepositoryPattern((String) row[0]), (String) row[1]))
                .toList());
    }

    @Override
    public boolean addImmutableTagRule(ImmutableTagRule rule) {
        return jpa.transaction(em -> em.createNativeQuery("""
                        INSERT INTO immutable_tag_rule (repository_pattern, tag_pattern) VALUES (:repositories, :tags)
                        ON CONFLICT DO NOTHING""")
                .setParameter("repositories", rule.repositories().value())
                .setParameter("tags", rule.tags())
                .executeUpdate() == 1);
    }

    @Override
    public boolean removeImmutableTagRule(ImmutableTagRule rule) {
        return jpa.transaction(em -> em.createNativeQuery(
                        "DELETE FROM immutable_tag_rule WHERE repository_pattern = :repositories AND tag_pattern = :tags")
                .setParameter("repositories", rule.repositories().value())
                .setParameter("tags", rule.tags())
                .executeUpdate() == 1);
    }
}
