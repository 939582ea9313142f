package dev.berth.application.port;

import dev.berth.domain.access.Grant;
import dev.berth.domain.access.RepositoryPattern;
import dev.berth.domain.access.User;

import java.util.List;
import java.util.Optional;

/** Port: users, their password hashes and grants, and which repositories anybody may pull. */
public interface UserDirectory {

    /**
     * A user as stored, with the password hash (bcrypt, never the password).
     *
     * @param credentialStamp        changes whenever the user's password, enabled or admin flag changes: a
     *                               refresh token carries the stamp of its issue and dies when it differs
     * @param passwordChangeRequired the password is one Berth generated: the admin UI asks for a new one
     *                               at sign-in (cleared by {@link #setPassword})
     */
    record StoredUser(User user, String passwordHash, long credentialStamp, boolean passwordChangeRequired) {

        public StoredUser(User user, String passwordHash, long credentialStamp) {
            this(user, passwordHash, credentialStamp, false);
        }

        public StoredUser(User user, String passwordHash) {
            this(user, passwordHash, 0);
        }
    }

    Optional<StoredUser> find(String name);

    /** @return false when a user of that name exists already (nothing changes) */
    default boolean create(User user, String passwordHash) {
        return create(user, passwordHash, false);
    }

    /**
     * @param passwordChangeRequired whether the user must choose a new password at their next sign-in
     * @return false when a user of that name exists already (nothing changes)
     */
    boolean create(User user, String passwordHash, boolean passwordChangeRequired);

    /** Changes the credential stamp too, and no longer requires a password change. @return false when there is no such user */
    boolean setPassword(String name, String passwordHash);

    /** How a change to a user's standing went. */
    enum Change {
        CHANGED,
        NO_SUCH_USER,
        /** Refused: afterwards no enabled administrator would be left. */
        LAST_ADMIN
    }

    /**
     * Enables or disables a user; refuses, atomically (two admins disabling each other at once
     * cannot both succeed), to disable the last enabled administrator. Changes the credential stamp.
     */
    Change setEnabled(String name, boolean enabled);

    /**
     * Makes a user an administrator or not; refuses, atomically, to demote the last enabled
     * administrator. Changes the credential stamp.
     */
    Change setAdmin(String name, boolean admin);

    boolean isEmpty();

    List<User> list();

    List<Grant> grants(String name);

    /** Adds the grant, replacing the user's grant on the same pattern. @return false when there is no such user */
    boolean grant(String name, Grant grant);

    /** @return false when the user had no grant on that pattern */
    boolean revoke(String name, RepositoryPattern pattern);

    List<RepositoryPattern> anonymousPull();

    /** @return whether anything changed */
    boolean setAnonymousPull(RepositoryPattern pattern, boolean allowed);
}
