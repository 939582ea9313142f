package dev.berth.domain.access;

import dev.berth.domain.RepositoryName;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AccessTest {

    private static RepositoryName name(String value) {
        return RepositoryName.parse(value);
    }

    @Test
    void patternsMatchExactNamesPrefixesAndEverything() {
        assertThat(new RepositoryPattern("team-a/app").matches(name("team-a/app"))).isTrue();
        assertThat(new RepositoryPattern("team-a/app").matches(name("team-a/app2"))).isFalse();
        assertThat(new RepositoryPattern("team-a/*").matches(name("team-a/app"))).isTrue();
        assertThat(new RepositoryPattern("team-a/*").matches(name("team-a/x/y"))).isTrue();
        assertThat(new RepositoryPattern("team-a/*").matches(name("team-a"))).isFalse();
        assertThat(new RepositoryPattern("team-a/*").matches(name("team-ab/app"))).isFalse();
        assertThat(new RepositoryPattern("*").matches(name("any/thing"))).isTrue();
        assertThat(new RepositoryPattern("*/base").matches(name("a/b/base"))).isTrue();
        assertThat(new RepositoryPattern("*/base").matches(name("a/b/base2"))).isFalse();
    }

    @Test
    void patternMatchingStaysLinearOnHostileInput() {
        String pattern = "*a".repeat(60) + "b";
        long start = System.nanoTime();
        assertThat(new RepositoryPattern(pattern).matches(name("a".repeat(250)))).isFalse();
        assertThat(System.nanoTime() - start).isLessThan(1_000_000_000L);
    }

    @Test
    void patternsRefuseCharactersNoNameHas() {
        assertThatThrownBy(() -> new RepositoryPattern("Team/*")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RepositoryPattern("a:b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RepositoryPattern("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void grantsParseAndPrint() {
        Grant grant = Grant.parse("team-a/*:push,pull");
        assertThat(grant.actions()).containsExactlyInAnyOrder(Action.PULL, Action.PUSH);
        assertThat(grant).hasToString("team-a/*:pull,push");
        assertThat(Grant.parse("*:*").actions()).isEqualTo(EnumSet.allOf(Action.class));
        assertThat(Grant.parseList("a:pull; b/*:push  c:delete")).hasSize(3);
        assertThatThrownBy(() -> Grant.parse("a:fly")).hasMessageContaining("fly");
        assertThatThrownBy(() -> Grant.parse("nocolon")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aRobotOfAnAdministratorKeepsToItsScopeAndIsNoAdministrator() {
        Caller admin = new Caller(Optional.of(new User("root", true, true)), List.of(), Optional.empty());
        Caller robot = admin.as(new Robot(UUID.randomUUID(), Grant.parseList("ci/*:pull")));

        assertThat(robot.admin()).isFalse();
        assertThat(robot.allows(Action.PULL, name("ci/tool"))).isTrue();
        assertThat(robot.allows(Action.PULL, name("secret/app"))).isFalse();
        assertThat(robot.allows(Action.PUSH, name("ci/tool"))).isFalse();
        assertThat(robot.withTokenAccess(Grant.parseList("secret/app:pull,push")).allows(Action.PUSH,
                name("secret/app"))).isFalse();
        assertThat(robot.patternGroups(Action.PULL)).containsExactly(List.of(new RepositoryPattern("ci/*")));
        assertThat(robot.withTokenAccess(List.of()).entitlement().patternGroups(Action.PULL))
                .as("a listing shows what the robot may pull, whatever its token names")
                .containsExactly(List.of(new RepositoryPattern("ci/*")));
        assertThat(admin.patternGroups(Action.PULL)).isEmpty();
        assertThat(Caller.anonymous(List.of()).patternGroups(Action.PULL)).containsExactly(List.of());
    }

    @Test
    void callersAreAllowedWhatTheirGrantsAndTheirCredentialsScopeAllow() {
        User alice = new User("alice", true, false);
        Caller caller = new Caller(Optional.of(alice), Grant.parseList("team-a/*:pull,push public/*:pull"),
                Optional.empty());
        assertThat(caller.allows(Action.PUSH, name("team-a/app"))).isTrue();
        assertThat(caller.allows(Action.DELETE, name("team-a/app"))).isFalse();
        assertThat(caller.allows(Action.PUSH, name("public/x"))).isFalse();
        assertThat(caller.allows(Action.PULL, name("other"))).isFalse();

        Caller robot = caller.as(new Robot(UUID.randomUUID(), Grant.parseList("team-a/app:pull")));
        assertThat(robot.allows(Action.PULL, name("team-a/app"))).isTrue();
        assertThat(robot.allows(Action.PUSH, name("team-a/app"))).isFalse();
        assertThat(robot.entitled(Action.PUSH, name("team-a/app"))).isFalse();
        assertThat(robot.granted(Action.PUSH, name("team-a/app"))).isTrue();

        Caller token = caller.withTokenAccess(Grant.parseList("team-a/app:pull"));
        assertThat(token.allows(Action.PUSH, name("team-a/app"))).isFalse();
        assertThat(token.entitled(Action.PUSH, name("team-a/app"))).as("a new token could carry it").isTrue();

        Caller admin = new Caller(Optional.of(new User("root", true, true)), List.of(), Optional.empty());
        assertThat(admin.allows(Action.DELETE, name("any/thing"))).isTrue();
        assertThat(Caller.anonymous(List.of()).allows(Action.PULL, name("x"))).isFalse();
        assertThat(Caller.unrestricted().allows(Action.DELETE, name("x"))).isTrue();
    }

    @Test
    void userNamesCannotCarryAColon() {
        assertThatThrownBy(() -> new User("a:b", true, false)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new User("ci-bot@example.com", true, false).name()).isEqualTo("ci-bot@example.com");
    }

    @Test
    void scopesFollowTheTokenSpecification() {
        List<Scope> scopes = Scope.parseList("repository:team-a/app:pull,push registry:catalog:* junk repository:x:");
        assertThat(scopes).containsExactly(new Scope("repository", "team-a/app", Set.of("pull", "push")), Scope.CATALOG);
    }
}
