package dev.berth.adapters.db;

import dev.berth.application.port.RepositoryCatalog;
import dev.berth.domain.RepositoryName;
import jakarta.persistence.EntityManager;

import java.util.List;
import java.util.Optional;

/** Repositories in the {@code repository} table. */
public final class PostgresRepositoryCatalog implements RepositoryCatalog {

    private final Jpa jpa;

    public PostgresRepositoryCatalog(MetadataDatabase database) {
        this.jpa = database.jpa();
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
    public List<RepositoryName> list(Optional<String> after, int limit) {
        // "" sorts before every name; the unique index on name serves the range scan and the order
        return jpa.transaction(em -> em.createQuery("""
                        SELECT r.name FROM RepositoryEntity r WHERE r.name > :after ORDER BY r.name""", String.class)
                .setParameter("after", after.orElse(""))
                .setMaxResults(limit)
                .getResultStream()
                .map(RepositoryName::new)
                .toList());
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
