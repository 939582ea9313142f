package dev.berth.adapters.db;

import dev.berth.application.port.UserDirectory;
import dev.berth.domain.access.Action;
import dev.berth.domain.access.Grant;
import dev.berth.domain.access.RepositoryPattern;
import dev.berth.domain.access.User;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** Users in {@code users}, their grants in {@code access_grant}, anonymous pulls in {@code anonymous_pull}. */
public final class PostgresUserDirectory implements UserDirectory {

    private final Jpa jpa;

    public PostgresUserDirectory(MetadataDatabase database) {
        this.jpa = database.jpa();
    }

    @Override
    public Optional<StoredUser> find(String name) {
        return jpa.transaction(em -> Rows.of(em.createNativeQuery(
                        """
                        SELECT name, enabled, admin, password_hash, credential_stamp, password_change_required
                        FROM users WHERE name = :name""")
                .setParameter("name", name))
                .findFirst()
                .map(r -> new StoredUser(user(r), (String) r[3], ((Number) r[4]).longValue(), Rows.bool(r[5]))));
    }

    @Override
    public boolean create(User user, String passwordHash, boolean passwordChangeRequired) {
        return jpa.transaction(em -> em.createNativeQuery("""
                        INSERT INTO users (name, password_hash, enabled, admin, password_change_required)
                        VALUES (:name, :hash, :enabled, :admin, :changeRequired)
                        ON CONFLICT (name) DO NOTHING""")
                .setParameter("name", user.name())
                .setParameter("hash", passwordHash)
                .setParameter("enabled", user.enabled())
                .setParameter("admin", user.admin())
                .setParameter("changeRequired", passwordChangeRequired)
                .executeUpdate() > 0);
    }

    @Override
    public boolean setPassword(String name, String passwordHash) {
        return jpa.transaction(em -> em.createNativeQuery("""
                        UPDATE users SET password_hash = :hash, credential_stamp = credential_stamp + 1,
                            password_change_required = FALSE
                        WHERE name = :name""")
                .setParameter("hash", passwordHash)
                .setParameter("name", name)
                .executeUpdate() > 0);
    }

    @Override
    public Change setEnabled(String name, boolean enabled) {
        return change(name, !enabled, """
                UPDATE users SET enabled = :value, credential_stamp = credential_stamp + 1 WHERE name = :name""", enabled);
    }

    @Override
    public Change setAdmin(String name, boolean admin) {
        return change(name, !admin, """
                UPDATE users SET admin = :value, credential_stamp = credential_stamp + 1 WHERE name = :name""", admin);
    }

    /**
     * When the change could take away an administrator, the enabled administrators' rows are locked
     * first: a concurrent change waits, then sees this one's outcome, so two admins demoting each
     * other at once cannot leave none.
     */
    private Change change(String name, boolean removesAdmin, String update, boolean value) {
        return jpa.transaction(em -> {
            if (removesAdmin) {
                List<?> admins = em.createNativeQuery(
                        "SELECT name FROM users WHERE admin AND enabled ORDER BY name FOR UPDATE").getResultList();
                if (admins.size() == 1 && name.equals(admins.getFirst())) {
                    return Change.LAST_ADMIN;
                }
            }
            int rows = em.createNativeQuery(update)
                    .setParameter("value", value)
                    .setParameter("name", name)
                    .executeUpdate();
            return rows > 0 ? Change.CHANGED : Change.NO_SUCH_USER;
        });
    }

    @Override
    public boolean isEmpty() {
        return jpa.transaction(em -> em.createNativeQuery("SELECT 1 FROM users LIMIT 1").getResultList().isEmpty());
    }

    @Override
    public List<User> list() {
        return jpa.transaction(em -> Rows.of(em.createNativeQuery("SELECT name, enabled, admin FROM users ORDER BY name"))
                .map(PostgresUserDirectory::user)
                .toList());
    }

    private static User user(Object[] row) {
        return new User((String) row[0], Rows.bool(row[1]), Rows.bool(row[2]));
    }

    @Override
    public List<Grant> grants(String name) {
        return jpa.transaction(em -> Rows.of(em.createNativeQuery(
                        "SELECT pattern, actions FROM access_grant WHERE user_name = :name ORDER BY pattern")
                .setParameter("name", name))
                .map(r -> new Grant(new RepositoryPattern((String) r[0]), Action.parseList((String) r[1])))
                .toList());
    }

    @Override
    public boolean grant(String name, Grant grant) {
        return jpa.transaction(em -> em.createNativeQuery("""
                        INSERT INTO access_grant (user_name, pattern, actions)
                        SELECT name, :pattern, :actions FROM users WHERE name = :name
                        ON CONFLICT (user_name, pattern) DO UPDATE SET actions = EXCLUDED.actions""")
                .setParameter("name", name)
                .setParameter("pattern", grant.pattern().value())
                .setParameter("actions", grant.actions().stream().map(Action::word).collect(Collectors.joining(",")))
                .executeUpdate() > 0);
    }

    @Override
    public boolean revoke(String name, RepositoryPattern pattern) {
        return jpa.transaction(em -> em.createNativeQuery(
                        "DELETE FROM access_grant WHERE user_name = :name AND pattern = :pattern")
                .setParameter("name", name)
                .setParameter("pattern", pattern.value())
                .executeUpdate() > 0);
    }

    @Override
    public List<RepositoryPattern> anonymousPull() {
        return jpa.transaction(em -> em.createNativeQuery("SELECT pattern FROM anonymous_pull ORDER BY pattern")
                .getResultStream()
                .map(p -> new RepositoryPattern((String) p))
                .toList());
    }

    @Override
    public boolean setAnonymousPull(RepositoryPattern pattern, boolean allowed) {
        String sql = allowed
                ? "INSERT INTO anonymous_pull (pattern) VALUES (:pattern) ON CONFLICT DO NOTHING"
                : "DELETE FROM anonymous_pull WHERE pattern = :pattern";
        return jpa.transaction(em -> em.createNativeQuery(sql).setParameter("pattern", pattern.value())
                .executeUpdate() > 0);
    }
}
