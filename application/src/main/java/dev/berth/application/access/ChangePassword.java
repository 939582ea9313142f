package dev.berth.application.access;

import dev.berth.application.port.AuditLog;
import dev.berth.application.port.GeneratedPasswordFile;
import dev.berth.application.port.PasswordHasher;
import dev.berth.application.port.UserDirectory;
import dev.berth.domain.access.Caller;
import dev.berth.domain.access.PasswordRule;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.time.Clock;

/**
 * Use case: an admin, or the user themselves, sets a new password. Replacing the password Berth
 * generated for the initial admin also removes the file it was handed over in.
 */
@Dependent
public class ChangePassword {

    private final UserDirectory users;
    private final PasswordHasher hasher;
    private final AuditLog audit;
    private final Clock clock;
    private final GeneratedPasswordFile generatedPassword;

    @Inject
    public ChangePassword(UserDirectory users, PasswordHasher hasher, AuditLog audit, Clock clock,
                          GeneratedPasswordFile generatedPassword) {
        this.users = users;
        this.hasher = hasher;
        this.audit = audit;
        this.clock = clock;
        this.generatedPassword = generatedPassword;
    }

    /**
     * @return false when there is no such user
     * @throws IllegalArgumentException when the {@code PasswordRule} refuses the password
     */
    public boolean change(Caller actor, String address, String name, String password) {
        if (!actor.user().map(u -> u.name().equals(name)).orElse(false)) {
            Administration.requireAdmin(actor);
        }
        PasswordRule.check(name, password);
        boolean wasGenerated = users.find(name).map(UserDirectory.StoredUser::passwordChangeRequired).orElse(false);
        boolean changed = users.setPassword(name, hasher.hash(password));
        Administration.audit(audit, clock.instant(), actor, address, "change-password", name, changed,
                wasGenerated ? "replaces the generated password" : "");
        if (changed && wasGenerated) {
            generatedPassword.remove();
        }
        return changed;
    }
}
