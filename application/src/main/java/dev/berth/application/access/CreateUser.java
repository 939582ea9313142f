package dev.berth.application.access;

import dev.berth.application.port.AuditLog;
import dev.berth.application.port.PasswordHasher;
import dev.berth.application.port.UserDirectory;
import dev.berth.domain.access.Caller;
import dev.berth.domain.access.PasswordRule;
import dev.berth.domain.access.User;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.time.Clock;

/** Use case: an admin adds a user (enabled, with a password). */
@Dependent
public class CreateUser {

    private final UserDirectory users;
    private final PasswordHasher hasher;
    private final AuditLog audit;
    private final Clock clock;

    @Inject
    public CreateUser(UserDirectory users, PasswordHasher hasher, AuditLog audit, Clock clock) {
        this.users = users;
        this.hasher = hasher;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * @return false when the name is taken
     * @throws IllegalArgumentException for an invalid name, or a password the {@code PasswordRule} refuses
     */
    public boolean create(Caller actor, String address, String name, String password, boolean admin) {
        Administration.requireAdmin(actor);
        User user = new User(name, true, admin);
        PasswordRule.check(name, password);
        boolean created = users.create(user, hasher.hash(password));
        Administration.audit(audit, clock.instant(), actor, address, "create-user", name, created,
                created ? (admin ? "admin" : "") : "exists already");
        return created;
    }
}
