package dev.berth.application.contract;

import dev.berth.application.port.AdminSessionStore;
import dev.berth.application.port.AuditLog;
import dev.berth.application.port.LoginFailures;
import dev.berth.application.port.RobotTokenStore;
import dev.berth.application.port.UserDirectory;
import dev.berth.domain.access.Grant;
import dev.berth.domain.access.RepositoryPattern;
import dev.berth.domain.access.User;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** What every implementation of the user, robot token, login failure, audit and admin session ports must do. */
public abstract class SecurityStoresContract {

    /** The five ports, empty. */
    public record Stores(UserDirectory users, RobotTokenStore robots, LoginFailures failures, AuditLog audit,
                         AdminSessionStore sessions) {
    }

    protected abstract Stores emptyStores();

    private static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");

    @Test
    void usersAreCreatedOnceAndChangeInPlace() {
        UserDirectory users = emptyStores().users();
        assertThat(users.isEmpty()).isTrue();
        assertThat(users.create(new User("alice", true, false), "$2y$hash1")).isTrue();
        assertThat(users.create(new User("alice", true, true), "$2y$other")).isFalse();
        assertThat(users.find("alice")).map(s -> List.of(s.user(), s.passwordHash()))
                .contains(List.of(new User("alice", true, false), "$2y$hash1"));
        assertThat(users.find("bob")).isEmpty();
        assertThat(users.setPassword("alice", "$2y$hash2")).isTrue();
        assertThat(users.setEnabled("alice", false)).isEqualTo(UserDirectory.Change.CHANGED);
        assertThat(users.setEnabled("bob", false)).isEqualTo(UserDirectory.Change.NO_SUCH_USER);
        assertThat(users.find("alice")).map(s -> List.of(s.user(), s.passwordHash()))
                .contains(List.of(new User("alice", false, false), "$2y$hash2"));
        users.create(new User("Zed", true, true), "$2y$z");
        assertThat(users.list()).extracting(User::name).containsExactly("Zed", "alice");
        assertThat(users.isEmpty()).isFalse();
    }

    @Test
    void everyCredentialChangeChangesTheCredentialStamp() {
        UserDirectory users = emptyStores().users();
        users.create(new User("root", true, true), "$2y$r");
        users.create(new User("alice", true, false), "$2y$a");
        Set<Long> stamps = new HashSet<>();
        stamps.add(users.find("alice").orElseThrow().credentialStamp());

        users.setPassword("alice", "$2y$b");
        assertThat(stamps.add(users.find("alice").orElseThrow().credentialStamp())).as("password").isTrue();
        users.setEnabled("alice", false);
        assertThat(stamps.add(users.find("alice").orElseThrow().credentialStamp())).as("disabled").isTrue();
        users.setEnabled("alice", true);
        assertThat(stamps.add(users.find("alice").orElseThrow().credentialStamp())).as("enabled again").isTrue();
        users.setAdmin("alice", true);
        assertThat(stamps.add(users.find("alice").orElseThrow().credentialStamp())).as("made admin").isTrue();
        users.setAdmin("alice", false);
        assertThat(stamps.add(users.find("alice").orElseThrow().credentialStamp())).as("admin removed").isTrue();
        users.grant("alice", Grant.parse("x:pull"));
        assertThat(stamps).contains(users.find("alice").orElseThrow().credentialStamp());
    }

    @Test
    void theLastEnabledAdministratorIsNeitherDisabledNorDemoted() {
        UserDirectory users = emptyStores().users();
        users.create(new User("root", true, true), "$2y$r");
        users.create(new User("dev", true, false), "$2y$d");
        users.create(new User("old", false, true), "$2y$o");
        assertThat(users.setAdmin("root", false)).isEqualTo(UserDirectory.Change.LAST_ADMIN);
        assertThat(users.setEnabled("root", false)).isEqualTo(UserDirectory.Change.LAST_ADMIN);
        assertThat(users.setAdmin("nobody", true)).isEqualTo(UserDirectory.Change.NO_SUCH_USER);
        // a disabled admin does not count; a non-admin may be disabled at any time
        assertThat(users.setEnabled("dev", false)).isEqualTo(UserDirectory.Change.CHANGED);
        assertThat(users.setEnabled("dev", true)).isEqualTo(UserDirectory.Change.CHANGED);
        assertThat(users.setAdmin("dev", true)).isEqualTo(UserDirectory.Change.CHANGED);
        assertThat(users.find("dev").orElseThrow().user()).isEqualTo(new User("dev", true, true));
        assertThat(users.setAdmin("root", false)).isEqualTo(UserDirectory.Change.CHANGED);
        assertThat(users.find("root").orElseThrow().user()).isEqualTo(new User("root", true, false));
        assertThat(users.setEnabled("dev", false)).isEqualTo(UserDirectory.Change.LAST_ADMIN);
        assertThat(users.setEnabled("old", true)).isEqualTo(UserDirectory.Change.CHANGED);
        assertThat(users.setEnabled("dev", false)).isEqualTo(UserDirectory.Change.CHANGED);
        assertThat(users.list()).filteredOn(u -> u.admin() && u.enabled()).extracting(User::name).containsExactly("old");
    }

    @Test
    void grantsAreReplacedPerPatternAndRevoked() {
        UserDirectory users = emptyStores().users();
        users.create(new User("alice", true, false), "$2y$h");
        assertThat(users.grant("alice", Grant.parse("team-a/*:pull"))).isTrue();
        assertThat(users.grant("alice", Grant.parse("team-a/*:pull,push"))).isTrue();
        assertThat(users.grant("alice", Grant.parse("*:pull"))).isTrue();
        assertThat(users.grant("nobody", Grant.parse("*:pull"))).isFalse();
        assertThat(users.grants("alice")).containsExactlyInAnyOrder(Grant.parse("team-a/*:pull,push"), Grant.parse("*:pull"));
        assertThat(users.revoke("alice", new RepositoryPattern("*"))).isTrue();
        assertThat(users.revoke("alice", new RepositoryPattern("*"))).isFalse();
        assertThat(users.grants("alice")).containsExactly(Grant.parse("team-a/*:pull,push"));

        assertThat(users.setAnonymousPull(new RepositoryPattern("public/*"), true)).isTrue();
        assertThat(users.setAnonymousPull(new RepositoryPattern("public/*"), true)).isFalse();
        assertThat(users.anonymousPull()).containsExactly(new RepositoryPattern("public/*"));
        assertThat(users.setAnonymousPull(new RepositoryPattern("public/*"), false)).isTrue();
        assertThat(users.anonymousPull()).isEmpty();
    }

    @Test
    void robotTokensAreFoundByTheirSecretsHashAndRevokedOnce() {
        Stores stores = emptyStores();
        stores.users().create(new User("ci", true, false), "$2y$h");
        UUID id = UUID.randomUUID();
        RobotTokenStore.RobotToken token = new RobotTokenStore.RobotToken(id, "ci", "ab".repeat(32), "pipeline",
                Grant.parseList("ci/*:pull,push"), T0, Optional.of(T0.plusSeconds(3600)), Optional.empty());
        stores.robots().add(token);
        assertThat(stores.robots().findBySecret("ab".repeat(32))).contains(token);
        assertThat(stores.robots().findBySecret("cd".repeat(32))).isEmpty();
        assertThat(stores.robots().find(id)).contains(token);
        assertThat(stores.robots().find(UUID.randomUUID())).isEmpty();
        assertThat(stores.robots().revoke(id, T0.plusSeconds(5))).isTrue();
        assertThat(stores.robots().revoke(id, T0.plusSeconds(6))).isFalse();
        RobotTokenStore.RobotToken revoked = stores.robots().list("ci").getFirst();
        assertThat(revoked.revokedAt()).contains(T0.plusSeconds(5));
        assertThat(revoked.usableAt(T0.plusSeconds(10))).isFalse();
    }

    @Test
    void loginFailuresAreCountedWithinAWindowAndCleared() {
        LoginFailures failures = emptyStores().failures();
        failures.record("user:alice", T0);
        failures.record("user:alice", T0.plusSeconds(60));
        failures.record("address:10.0.0.1", T0.plusSeconds(60));
        assertThat(failures.countSince("user:alice", T0)).isEqualTo(2);
        assertThat(failures.countSince("user:alice", T0.plusSeconds(30))).isEqualTo(1);
        failures.clear("user:alice");
        assertThat(failures.countSince("user:alice", T0)).isZero();
        assertThat(failures.countSince("address:10.0.0.1", T0)).isEqualTo(1);
    }

    @Test
    void loginFailuresBeforeAnInstantArePrunedForEverySubject() {
        LoginFailures failures = emptyStores().failures();
        failures.record("user:one-off", T0);
        failures.record("address:10.0.0.1", T0.plusSeconds(10));
        failures.record("user:alice", T0.plusSeconds(60));
        assertThat(failures.pruneBefore(T0.plusSeconds(60))).isEqualTo(2);
        assertThat(failures.countSince("user:one-off", T0)).isZero();
        assertThat(failures.countSince("address:10.0.0.1", T0)).isZero();
        assertThat(failures.countSince("user:alice", T0)).isEqualTo(1);
    }

    @Test
    void repeatedAuditEventsAreCountedInOneRowPerKeyAndPeriod() {
        AuditLog audit = emptyStores().audit();
        AuditLog.Event throttled = new AuditLog.Event(T0, "mallory", "10.0.0.9", "login", "", false, "throttled");
        audit.recordRepeated(throttled, "throttled:address:10.0.0.9", T0.minusSeconds(300));
        audit.record(new AuditLog.Event(T0.plusSeconds(1), "alice", "10.0.0.1", "login", "", true, "password"));
        for (int i = 2; i < 50; i++) {
            audit.recordRepeated(new AuditLog.Event(T0.plusSeconds(i), "x" + i, "10.0.0.9", "login", "", false,
                    "throttled"), "throttled:address:10.0.0.9", T0.plusSeconds(i).minusSeconds(300));
        }
        audit.recordRepeated(new AuditLog.Event(T0, "bob", "10.0.0.8", "login", "", false, "throttled"),
                "throttled:address:10.0.0.8", T0.minusSeconds(300));
        assertThat(audit.count(AuditLog.Filter.ALL)).isEqualTo(3);
        assertThat(audit.recent(10)).extracting(AuditLog.Event::actor, AuditLog.Event::occurrences)
                .containsExactly(tuple("bob", 1), tuple("alice", 1), tuple("mallory", 49));

        // past the period a new row begins
        audit.recordRepeated(new AuditLog.Event(T0.plusSeconds(400), "late", "10.0.0.9", "login", "", false,
                "throttled"), "throttled:address:10.0.0.9", T0.plusSeconds(100));
        assertThat(audit.recent(1).getFirst()).isEqualTo(new AuditLog.Event(T0.plusSeconds(400), "late", "10.0.0.9",
                "login", "", false, "throttled", 1));
    }

    @Test
    void auditEventsAreDeletedByAgeAndBeyondTheNewest() {
        AuditLog audit = emptyStores().audit();
        for (int i = 0; i < 20; i++) {
            audit.record(new AuditLog.Event(T0.plusSeconds(i), "alice", "10.0.0.1", "push", "t" + i, true, ""));
        }
        assertThat(audit.deleteBefore(T0.plusSeconds(5))).isEqualTo(5);
        assertThat(audit.count(AuditLog.Filter.ALL)).isEqualTo(15);
        assertThat(audit.deleteAllButNewest(10)).isEqualTo(5);
        assertThat(audit.deleteAllButNewest(10)).isZero();
        assertThat(audit.recent(100)).extracting(AuditLog.Event::target).first().isEqualTo("t19");
        assertThat(audit.recent(100)).extracting(AuditLog.Event::target).last().isEqualTo("t10");
    }

    @Test
    void auditEventsComeBackNewestFirst() {
        AuditLog audit = emptyStores().audit();
        audit.record(new AuditLog.Event(T0, "alice", "10.0.0.1", "login", "", true, "password"));
        audit.record(new AuditLog.Event(T0.plusSeconds(1), "alice", "10.0.0.1", "push", "team-a/app:v1", true, ""));
        List<AuditLog.Event> recent = audit.recent(10);
        assertThat(recent).extracting(AuditLog.Event::action).containsExactly("push", "login");
        assertThat(recent.getFirst().at()).isEqualTo(T0.plusSeconds(1));
        assertThat(audit.recent(1)).hasSize(1);
    }

    @Test
    void auditEventsAreSearchedByActorActionTimeAndOutcomeAndPaged() {
        AuditLog audit = emptyStores().audit();
        for (int i = 0; i < 30; i++) {
            audit.record(new AuditLog.Event(T0.plusSeconds(i), i % 3 == 0 ? "alice" : "bob", "10.0.0." + i,
                    i % 2 == 0 ? "push" : "login", "t" + i, i % 5 != 0, "d" + i));
        }
        AuditLog.Filter alice = new AuditLog.Filter(Optional.of("alice"), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty());
        assertThat(audit.count(alice)).isEqualTo(10);
        assertThat(audit.search(alice, 0, 3)).extracting(AuditLog.Event::target).containsExactly("t27", "t24", "t21");
        assertThat(audit.search(alice, 3, 3)).extracting(AuditLog.Event::target).containsExactly("t18", "t15", "t12");
        assertThat(audit.search(alice, 9, 5)).extracting(AuditLog.Event::target).containsExactly("t0");

        AuditLog.Filter failedPushesInAWindow = new AuditLog.Filter(Optional.empty(), Optional.of("push"),
                Optional.of(T0.plusSeconds(5)), Optional.of(T0.plusSeconds(20)), Optional.of(false));
        assertThat(audit.search(failedPushesInAWindow, 0, 100)).extracting(AuditLog.Event::target)
                .containsExactly("t10");
        assertThat(audit.count(failedPushesInAWindow)).isEqualTo(1);
        AuditLog.Event event = audit.search(failedPushesInAWindow, 0, 1).getFirst();
        assertThat(event).isEqualTo(new AuditLog.Event(T0.plusSeconds(10), "bob", "10.0.0.10", "push", "t10", false,
                "d10"));

        assertThat(audit.count(AuditLog.Filter.ALL)).isEqualTo(30);
        assertThat(audit.search(AuditLog.Filter.ALL, 0, 10_000)).hasSize(30);
        assertThat(audit.search(new AuditLog.Filter(Optional.of("carol"), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty()), 0, 10)).isEmpty();
    }

    @Test
    void adminSessionsAreFoundByTheirHashTouchedAndRemoved() {
        Stores stores = emptyStores();
        stores.users().create(new User("alice", true, true), "$2y$a");
        AdminSessionStore sessions = stores.sessions();
        AdminSessionStore.StoredSession session = new AdminSessionStore.StoredSession("ab12", "alice", 7, "10.0.0.1",
                T0, T0.plusSeconds(5));
        sessions.add(session);
        assertThat(sessions.find("ab12")).contains(session);
        assertThat(sessions.find("cd34")).isEmpty();

        assertThat(sessions.touch("ab12", T0.plusSeconds(60))).isTrue();
        assertThat(sessions.touch("ab12", T0.plusSeconds(30))).as("a late touch never moves it back").isTrue();
        assertThat(sessions.find("ab12")).map(AdminSessionStore.StoredSession::seenAt).contains(T0.plusSeconds(60));
        assertThat(sessions.touch("cd34", T0.plusSeconds(60))).isFalse();

        sessions.remove("ab12");
        assertThat(sessions.find("ab12")).isEmpty();
        assertThat(sessions.touch("ab12", T0.plusSeconds(90))).isFalse();
    }

    @Test
    void adminSessionsIdleOrTooOldAreRemovedAndThoseOfARemovedUserGoWithIt() {
        Stores stores = emptyStores();
        stores.users().create(new User("alice", true, true), "$2y$a");
        AdminSessionStore sessions = stores.sessions();
        sessions.add(new AdminSessionStore.StoredSession("idle", "alice", 1, "a", T0, T0));
        sessions.add(new AdminSessionStore.StoredSession("old", "alice", 1, "a", T0.minusSeconds(3600), T0.plusSeconds(600)));
        sessions.add(new AdminSessionStore.StoredSession("fresh", "alice", 1, "a", T0, T0.plusSeconds(600)));

        assertThat(sessions.removeExpired(T0.plusSeconds(300), T0.minusSeconds(60))).isEqualTo(2);
        assertThat(sessions.find("idle")).isEmpty();
        assertThat(sessions.find("old")).isEmpty();
        assertThat(sessions.find("fresh")).isPresent();
    }
}
