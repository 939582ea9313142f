package dev.berth.application.access;

import dev.berth.application.fake.InMemoryUsers;
import dev.berth.application.fake.MutableClock;
import dev.berth.application.fake.PlainPasswordHasher;
import dev.berth.application.port.AuditLog;
import dev.berth.domain.access.User;
import dev.berth.domain.error.TooManyRequestsException;
import dev.berth.domain.error.UnauthorizedException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Failed and throttled logins, login failures and audit events stay bounded whatever clients send. */
class AuditBoundsTest {

    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private static final Duration WINDOW = Duration.ofMinutes(5);

    private final InMemoryUsers users = new InMemoryUsers();
    private final MutableClock clock = new MutableClock(T0);
    private final AccessSettings settings = new AccessSettings(AccessSettings.Mode.BASIC, "Berth", "berth",
            Duration.ofMinutes(5), Duration.ofHours(1), 3, 10, WINDOW, List.of());
    private final AuthenticateCaller authenticate = new AuthenticateCaller(users, users,
            new PlainPasswordHasher(), users, users, new AccessUseCasesTest.MapTokens(),
            new VerifiedPasswords(), settings, clock);

    private static String longName(int i) {
        return i + "-" + "n".repeat(4000);
    }

    @Test
    void throttledAttemptsAreCountedInOneRowPerSubjectAndWindowWithCappedNames() {
        for (int i = 0; i < 10; i++) {
            String name = longName(i);
            assertThatThrownBy(() -> authenticate.withPassword(name, "guess-guess", "10.0.0.9", false))
                    .isInstanceOf(UnauthorizedException.class);
        }
        for (int i = 10; i < 310; i++) {
            String name = longName(i);
            assertThatThrownBy(() -> authenticate.withPassword(name, "guess-guess", "10.0.0.9", false))
                    .isInstanceOf(TooManyRequestsException.class);
        }

        assertThat(users.events).hasSize(11)
                .allMatch(e -> e.actor().length() <= User.MAX_NAME_LENGTH + 1);
        AuditLog.Event throttled = users.events.getLast();
        assertThat(throttled.detail()).isEqualTo("throttled: too many failed logins from this address");
        assertThat(throttled.occurrences()).isEqualTo(300);
        assertThat(throttled.actor()).isEqualTo(AuthenticateCaller.storedName(longName(10))).endsWith("…");

        // a new window, a new row
        clock.advance(WINDOW.plusSeconds(1));
        assertThatThrownBy(() -> authenticate.withPassword("someone", "guess-guess", "10.0.0.9", false))
                .isInstanceOf(UnauthorizedException.class);
        users.events.clear();
        clock.advance(Duration.ofSeconds(1));
        // the address counts failures within the window again: 10 more to be throttled
        for (int i = 0; i < 9; i++) {
            String name = "x" + i;
            assertThatThrownBy(() -> authenticate.withPassword(name, "guess-guess", "10.0.0.9", false))
                    .isInstanceOf(UnauthorizedException.class);
        }
        assertThatThrownBy(() -> authenticate.withPassword("late", "guess-guess", "10.0.0.9", false))
                .isInstanceOf(TooManyRequestsException.class);
        assertThat(users.events.getLast().occurrences()).isEqualTo(1);
    }

    @Test
    void loginFailuresPastTheWindowArePrunedForEverySubject() {
        users.record("user:one-off", T0);
        users.record("address:10.0.0.1", T0.plusSeconds(5));
        users.record("user:recent", T0.plus(WINDOW));
        clock.advance(WINDOW.plusSeconds(10));

        assertThat(new PruneLoginFailures(users, settings, clock).prune()).isEqualTo(2);

        assertThat(users.countSince("user:one-off", T0.minusSeconds(1))).isZero();
        assertThat(users.countSince("address:10.0.0.1", T0.minusSeconds(1))).isZero();
        assertThat(users.countSince("user:recent", T0)).isEqualTo(1);
    }

    @Test
    void auditEventsPastTheRetentionAreDeletedAndTheDeletionIsAudited() {
        for (int day = 100; day > 0; day--) {
            users.record(new AuditLog.Event(T0.minus(Duration.ofDays(day)), "alice", "10.0.0.1", "push", "d" + day, true, ""));
        }
        PruneAuditLog prune = new PruneAuditLog(users, new AuditRetention(Duration.ofDays(90), 50), clock);

        assertThat(prune.prune()).isEqualTo(51);

        assertThat(users.events).hasSize(50);
        assertThat(users.events.getFirst().target()).isEqualTo("d49");
        AuditLog.Event deletion = users.events.getLast();
        assertThat(deletion).isEqualTo(new AuditLog.Event(T0, "system", "local", "prune-audit-log", "", true,
                "deleted 51 events: 10 older than 90 days, 41 over the limit of 50 events"));

        // nothing more to delete, and no row saying so: the deletion's own row fits within the bound
        assertThat(prune.prune()).isZero();
        assertThat(new PruneAuditLog(users, new AuditRetention(Duration.ofDays(90), 0), clock).prune()).isZero();
        assertThat(users.events).hasSize(50);
    }

    @Test
    void zeroKeepsEverything() {
        users.record(new AuditLog.Event(T0.minus(Duration.ofDays(5000)), "alice", "10.0.0.1", "push", "", true, ""));
        assertThat(new PruneAuditLog(users, new AuditRetention(Duration.ZERO, 0), clock).prune()).isZero();
        assertThat(users.events).hasSize(1);
    }
}
