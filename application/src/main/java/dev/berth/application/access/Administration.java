package dev.berth.application.access;

import dev.berth.application.port.AuditLog;
import dev.berth.domain.access.Caller;
import dev.berth.domain.access.User;
import dev.berth.domain.error.DeniedException;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** What the user-management use cases share: only admins may, and each change is audited. */
final class Administration {

    /** Start-up and command-line work: no person, all rights. */
    static final Caller SYSTEM = new Caller(Optional.of(new User("system", true, true)), List.of(), Optional.empty());
    static final String LOCAL = "local";

    private Administration() {
    }

    static void requireAdmin(Caller actor) {
        if (!actor.admin()) {
            throw new DeniedException(actor.name() + " is not an administrator");
        }
    }

    static void audit(AuditLog audit, Instant at, Caller actor, String address, String action, String target,
                      boolean success, String detail) {
        audit.record(new AuditLog.Event(at, actor.name(), address, action, target, success, detail));
    }

    /** bcrypt reads at most 72 bytes: a longer password would silently be cut. */
    static void checkPassword(String password) {
        int bytes = password.getBytes(StandardCharsets.UTF_8).length;
        if (password.length() < 8 || bytes > 72) {
            throw new IllegalArgumentException("a password needs 8 characters at least and 72 bytes at most");
        }
    }
}
