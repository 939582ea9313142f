package dev.berth.application.access;

import dev.berth.application.port.AdminSessionStore;
import dev.berth.application.port.UserDirectory;
import dev.berth.domain.access.Caller;
import dev.berth.domain.error.UnauthorizedException;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * Use case: the user behind an admin UI sign-in secret, on whichever node the browser reaches, and a
 * mark that the sign-in is still in use. A sign-in ended elsewhere, idle for {@link AdminSessionLimits#IDLE},
 * older than {@link AdminSessionLimits#LIFETIME}, or made before the user's password, standing or admin
 * flag changed resumes nothing (and is removed).
 */
@Dependent
public class ResumeAdminSession {

    /** A resumed sign-in: the caller as of now, and the address it was made from (for the audit log). */
    public record Resumed(Caller caller, String address) {
    }

    private final AdminSessionStore sessions;
    private final UserDirectory users;
    private final AuthenticateCaller authenticate;
    private final Clock clock;

    @Inject
    public ResumeAdminSession(AdminSessionStore sessions, UserDirectory users, AuthenticateCaller authenticate, Clock clock) {
        this.sessions = sessions;
        this.users = users;
        this.authenticate = authenticate;
        this.clock = clock;
    }

    public Optional<Resumed> resume(String secret) {
        if (secret == null || secret.isEmpty() || secret.length() > 100) {
            return Optional.empty();
        }
        String key = VerifiedPasswords.sha256(secret);
        Optional<AdminSessionStore.StoredSession> found = sessions.find(key);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        AdminSessionStore.StoredSession session = found.get();
        Instant now = clock.instant();
        boolean current = session.seenAt().isAfter(now.minus(AdminSessionLimits.IDLE))
                && session.startedAt().isAfter(now.minus(AdminSessionLimits.LIFETIME))
                && users.find(session.user()).filter(u -> u.credentialStamp() == session.credentialStamp()).isPresent();
        if (!current || !sessions.touch(key, now)) {
            sessions.remove(key);
            return Optional.empty();
        }
        try {
            return Optional.of(new Resumed(authenticate.resume(session.user()), session.address()));
        } catch (UnauthorizedException e) {
            sessions.remove(key);
            return Optional.empty();
        }
    }
}
