package dev.berth.application.access;

import dev.berth.application.port.AuditLog;
import dev.berth.application.port.UserDirectory;
import dev.berth.domain.access.Caller;
import dev.berth.domain.access.User;
import dev.berth.domain.error.DeniedException;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the administration use cases share (users here, certificates in {@code application.tls}):
 * only admins may, and each change is audited.
 */
public final class Administration {

    /**
     * Start-up and command-line work: no person, all rights. Only the composition root and start-up
     * code act as it; a request from a person always acts as that person's caller.
     */
    public static final Caller SYSTEM = new Caller(Optional.of(new User("system", true, true)), List.of(), Optional.empty());
    /** The address of work that comes from no client. */
    public static final String LOCAL = "local";

    private Administration() {
    }

    public static void requireAdmin(Caller actor) {
        if (!actor.admin()) {
            throw new DeniedException(actor.name() + " is not an administrator");
        }
    }

    public static void audit(AuditLog audit, Instant at, Caller actor, String address, String action, String target,
                      boolean success, String detail) {
        audit.record(new AuditLog.Event(at, actor.name(), address, action, target, success, detail));
    }

    /** Refuses a change an admin makes to their own standing (they could lock themselves out). */
    static void refuseSelf(AuditLog audit, Instant at, Caller actor, String address, String action, String name,
                           String what) {
        if (actor.name().equals(name)) {
            audit(audit, at, actor, address, action, name, false, "refused: own account");
            throw new IllegalArgumentException("you cannot " + what + " yourself; ask another administrator");
        }
    }

    /** Turns the directory's answer into the use case's: refusals are errors, an unknown user is false. */
    static boolean outcome(UserDirectory.Change change, AuditLog audit, Instant at,
                           Caller actor, String address, String action, String name) {
        switch (change) {
            case CHANGED -> audit(audit, at, actor, address, action, name, true, "");
            case NO_SUCH_USER -> audit(audit, at, actor, address, action, name, false, "no such user");
            case LAST_ADMIN -> {
                audit(audit, at, actor, address, action, name, false, "refused: last enabled administrator");
                throw new IllegalArgumentException(name + " is the last enabled administrator; make another user "
                        + "an administrator first");
            }
        }
        return change == UserDirectory.Change.CHANGED;
    }
}
