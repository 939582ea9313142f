package dev.berth.application.contract;

import dev.berth.application.port.AuditLog;
import dev.berth.application.port.LoginFailures;
import dev.berth.application.port.RobotTokenStore;
import dev.berth.application.port.UserDirectory;
import dev.berth.domain.access.Grant;
import dev.berth.domain.access.RepositoryPattern;
import dev.berth.domain.access.User;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** What every implementation of the user, robot token, login failure and audit ports must do. */
public abstract class SecurityStoresContract {

    /** The four ports, empty. */
    public record Stores(UserDirectory users, RobotTokenStore robots, LoginFailures failures, AuditLog audit) {
    }

    protected abstract Stores emptyStores();

    private static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");

    @Test
    void usersAreCreatedOnceAndChangeInPlace() {
        UserDirectory users = emptyStores().users();
        assertThat(users.isEmpty()).isTrue();
        assertThat(users.create(new User("alice", true, false), "$2y$hash1")).isTrue();
        assertThat(users.create(new User("alice", true, true), "$2y$other")).isFalse();
        assertThat(users.find("alice")).contains(new UserDirectory.StoredUser(new User("alice", true, false), "$2y$hash1"));
        assertThat(users.find("bob")).isEmpty();
        assertThat(users.setPassword("alice", "$2y$hash2")).isTrue();
        assertThat(users.setEnabled("alice", false)).isTrue();
        assertThat(users.setEnabled("bob", false)).isFalse();
        assertThat(users.find("alice").orElseThrow()).isEqualTo(
                new UserDirectory.StoredUser(new User("alice", false, false), "$2y$hash2"));
        users.create(new User("Zed", true, true), "$2y$z");
        assertThat(users.list()).extracting(User::name).containsExactly("Zed", "alice");
        assertThat(users.isEmpty()).isFalse();
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
    void auditEventsComeBackNewestFirst() {
        AuditLog audit = emptyStores().audit();
        audit.record(new AuditLog.Event(T0, "alice", "10.0.0.1", "login", "", true, "password"));
        audit.record(new AuditLog.Event(T0.plusSeconds(1), "alice", "10.0.0.1", "push", "team-a/app:v1", true, ""));
        List<AuditLog.Event> recent = audit.recent(10);
        assertThat(recent).extracting(AuditLog.Event::action).containsExactly("push", "login");
        assertThat(recent.getFirst().at()).isEqualTo(T0.plusSeconds(1));
        assertThat(audit.recent(1)).hasSize(1);
    }
}
