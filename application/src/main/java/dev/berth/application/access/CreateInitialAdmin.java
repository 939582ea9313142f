package dev.berth.application.access;

import dev.berth.application.port.AuditLog;
import dev.berth.application.port.PasswordHasher;
import dev.berth.application.port.UserDirectory;
import dev.berth.domain.access.PasswordRule;
import dev.berth.domain.access.User;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.Optional;

/**
 * Use case: on the first start (no users at all) an administrator called {@code admin}, with the
 * given password or a generated one that the caller shows once.
 */
@Dependent
public class CreateInitialAdmin {

    public static final String NAME = "admin";

    /** @param generated whether Berth made the password up (the caller must hand it to the operator) */
    public record Created(String name, String password, boolean generated) {

        @Override
        public String toString() {
            return "Created[name=" + name + ", generated=" + generated + "]";
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private final UserDirectory users;
    private final PasswordHasher hasher;
    private final AuditLog audit;
    private final Clock clock;

    @Inject
    public CreateInitialAdmin(UserDirectory users, PasswordHasher hasher, AuditLog audit, Clock clock) {
        this.users = users;
        this.hasher = hasher;
        this.audit = audit;
        this.clock = clock;
    }

    /** @return the admin created, or empty when there are users already */
    public Optional<Created> createIfNoUsers(Optional<String> password) {
        if (!users.isEmpty()) {
            return Optional.empty();
        }
        password.ifPresent(p -> PasswordRule.check(NAME, p));
        boolean generated = password.isEmpty();
        String secret = password.orElseGet(CreateInitialAdmin::generate);
        // a generated password travels through a file: the admin replaces it at the first sign-in
        if (!users.create(new User(NAME, true, true), hasher.hash(secret), generated)) {
            return Optional.empty(); // another node was first
        }
        Administration.audit(audit, clock.instant(), Administration.SYSTEM, Administration.LOCAL, "create-user", NAME,
                true, "initial admin" + (generated ? ", generated password" : ""));
        return Optional.of(new Created(NAME, secret, generated));
    }

    private static String generate() {
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
