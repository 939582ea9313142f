package dev.berth.application.access;

import dev.berth.application.fake.InMemoryAdminSessions;
import dev.berth.application.fake.InMemoryUsers;
import dev.berth.application.fake.MutableClock;
import dev.berth.application.fake.PlainPasswordHasher;
import dev.berth.domain.access.Caller;
import dev.berth.domain.access.User;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Admin UI sign-ins that another node (or the same one after a restart) resumes, and their limits. */
class AdminSessionUseCasesTest {

    private static final Instant T0 = Instant.parse("2026-12-07T09:00:00Z");

    private final InMemoryUsers users = new InMemoryUsers();
    private final InMemoryAdminSessions sessions = new InMemoryAdminSessions();
    private final MutableClock clock = new MutableClock(T0);
    private final AuthenticateCaller authenticate = new AuthenticateCaller(users, users, new PlainPasswordHasher(), users,
            users, new AccessUseCasesTest.MapTokens(), new VerifiedPasswords(),
            new AccessSettings(AccessSettings.Mode.BASIC, "Berth", "berth", Duration.ofMinutes(5), Duration.ofHours(1),
                    3, 10, Duration.ofMinutes(5), List.of()), clock);
    private final StartAdminSession start = new StartAdminSession(sessions, users, clock);
    private final ResumeAdminSession resume = new ResumeAdminSession(sessions, users, authenticate, clock);
    private final EndAdminSession end = new EndAdminSession(sessions);

    private Caller signedIn(String name) {
        users.create(new User(name, true, true), "$2y$plain$" + name + "-password");
        return authenticate.signIn(name, name + "-password", "10.0.0.9");
    }

    @Test
    void aSignInIsResumedByItsSecretOnlyAndWithItsAddress() {
        String secret = start.start(signedIn("alice"), "10.0.0.9");

        clock.advance(Duration.ofMinutes(10));
        Optional<ResumeAdminSession.Resumed> resumed = resume.resume(secret);
        assertThat(resumed).map(r -> r.caller().user().orElseThrow().name()).contains("alice");
        assertThat(resumed).map(ResumeAdminSession.Resumed::address).contains("10.0.0.9");
        assertThat(resume.resume(secret + "x")).isEmpty();
        assertThat(resume.resume("")).isEmpty();
        assertThat(resume.resume(null)).isEmpty();
        assertThat(sessions.find(secret)).as("the secret itself is never stored").isEmpty();
    }

    @Test
    void aSignOutEndsItEverywhere() {
        String secret = start.start(signedIn("alice"), "a");
        end.end(secret);
        assertThat(resume.resume(secret)).isEmpty();
    }

    @Test
    void useKeepsItAliveUntilItsLifetimeEnds() {
        String secret = start.start(signedIn("alice"), "a");
        for (int minutes = 25; minutes <= 700; minutes += 25) { // used every 25 minutes for almost 12 hours
            clock.advance(Duration.ofMinutes(25));
            assertThat(resume.resume(secret)).as("after %d min", minutes).isPresent();
        }
        clock.advance(Duration.ofMinutes(25)); // 725 min: not idle, but older than the lifetime
        assertThat(resume.resume(secret)).as("older than %s", AdminSessionLimits.LIFETIME).isEmpty();
    }

    @Test
    void idlenessEndsIt() {
        String secret = start.start(signedIn("alice"), "a");
        clock.advance(AdminSessionLimits.IDLE.minusSeconds(1));
        assertThat(resume.resume(secret)).isPresent();
        clock.advance(AdminSessionLimits.IDLE.plusSeconds(1));
        assertThat(resume.resume(secret)).as("idle for longer than %s", AdminSessionLimits.IDLE).isEmpty();
        clock.advance(Duration.ofSeconds(-AdminSessionLimits.IDLE.toSeconds()));
        assertThat(resume.resume(secret)).as("removed, not only refused").isEmpty();
    }

    @Test
    void aPasswordOrStandingChangeSinceTheSignInEndsIt() {
        String bySelf = start.start(signedIn("alice"), "a");
        users.setPassword("alice", "$2y$plain$new-password");
        assertThat(resume.resume(bySelf)).isEmpty();

        String disabled = start.start(signedIn("bob"), "a");
        users.setEnabled("bob", false);
        users.setEnabled("bob", true);
        assertThat(resume.resume(disabled)).as("disabled meanwhile, even if enabled again").isEmpty();

        String demoted = start.start(signedIn("carol"), "a");
        users.setAdmin("carol", false);
        assertThat(resume.resume(demoted)).isEmpty();
    }

    @Test
    void startingClearsExpiredSignIns() {
        String old = start.start(signedIn("alice"), "a");
        clock.advance(AdminSessionLimits.IDLE.plusMinutes(1));
        start.start(authenticate.resume("alice"), "a");
        assertThat(sessions.find(VerifiedPasswords.sha256(old))).isEmpty();
    }
}
