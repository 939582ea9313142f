package dev.berth.adapters.db;

import dev.berth.application.port.TagStore;
import dev.berth.domain.Digest;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.Tag;

import java.util.List;
import java.util.Optional;

/** Tags in the {@code tag} table, each holding its manifest's digest. */
public final class PostgresTagStore implements TagStore {

    private final Jpa jpa;

    public PostgresTagStore(MetadataDatabase database) {
        this.jpa = database.jpa();
    }

    /** @throws IllegalStateException when the repository has no such manifest */
    @Override
    public void tag(RepositoryName repository, Tag tag, Digest manifest) {
        // one upsert, so that concurrent pushes of the same tag never fail: the last one wins
        jpa.transaction(em -> {
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
        // "" sorts before every tag. The repository is a subquery, not a join, so that PostgreSQL
        // knows the repository_id to be one value and reads the primary key (repository_id, name)
        // in order, stopping after the page; with a join it sorts all the repository's tags first.
        return jpa.transaction(em -> em.createQuery("""
                        SELECT t.name FROM TagEntity t
                        WHERE t.repository.id = (SELECT r.id FROM RepositoryEntity r WHERE r.name = :repository)
                          AND t.name > :after
                        ORDER BY t.name""", String.class)
                .setParameter("repository", repository.value())
                .setParameter("after", after.orElse(""))
                .setMaxResults(limit)
                .getResultStream()
                .map(Tag::new)
                .toList());
    }

    @Override
    public boolean untag(RepositoryName repository, Tag tag) {
        return jpa.transaction(em -> em.createQuery("""
                        DELETE FROM TagEntity t
                        WHERE t.repository.id = (SELECT r.id FROM RepositoryEntity r WHERE r.name = :repository)
                          AND t.name = :tag""")
                .setParameter("repository", repository.value())
                .setParameter("tag", tag.value())
                .executeUpdate() > 0);
    }
}
