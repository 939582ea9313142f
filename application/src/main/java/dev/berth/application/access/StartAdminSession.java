package dev.berth.application.access;

import dev.berth.application.port.AdminSessionStore;
import dev.berth.application.port.UserDirectory;
import dev.berth.domain.access.Caller;
import dev.berth.domain.error.UnauthorizedException;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;

/**
 * Use case: records a sign-in to the admin UI in the shared store and returns the secret the browser
 * keeps (as a cookie), so that any node can resume it. Expired sign-ins are cleared on the way.
 */
@Dependent
public class StartAdminSession {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final AdminSessionStore sessions;
    private final UserDirectory users;
    private final Clock clock;

    @Inject
    public StartAdminSession(AdminSessionStore sessions, UserDirectory users, Clock clock) {
        this.sessions = sessions;
        this.users = users;
        this.clock = clock;
    }

    /** @return the session's secret: 256 random bits, never stored */
    public String start(Caller caller, String address) {
        String name = caller.user().orElseThrow(() -> new UnauthorizedException("nobody is signed in")).name();
        UserDirectory.StoredUser user = users.find(name)
                .orElseThrow(() -> new UnauthorizedException("the session's user is unknown"));
        Instant now = clock.instant();
        sessions.removeExpired(now.minus(AdminSessionLimits.IDLE), now.minus(AdminSessionLimits.LIFETIME));
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        sessions.add(new AdminSessionStore.StoredSession(VerifiedPasswords.sha256(secret), name,
                user.credentialStamp(), address, now, now));
        return secret;
    }
}
