package dev.berth.application.access;

import dev.berth.application.event.EnvelopeFormat;
import dev.berth.application.event.ListDeliveries;
import dev.berth.application.event.ListNotificationEndpoints;
import dev.berth.application.event.NotificationEndpoint;
import dev.berth.application.event.RetryDeliveries;
import dev.berth.application.fake.InMemoryNotifications;
import dev.berth.application.fake.InMemoryUsers;
import dev.berth.application.fake.PlainPasswordHasher;
import dev.berth.application.port.GeneratedPasswordFile;
import dev.berth.application.port.AuditLog;
import dev.berth.domain.access.Caller;
import dev.berth.domain.access.Grant;
import dev.berth.domain.access.RepositoryPattern;
import dev.berth.domain.access.User;
import dev.berth.domain.error.DeniedException;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The user page's use cases: admin standing, robot token lists, anonymous pull lists, audit search. */
class AdministrationUseCasesTest {

    private static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");

    private final InMemoryUsers users = new InMemoryUsers();
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final PlainPasswordHasher hasher = new PlainPasswordHasher();

    private Caller caller(String name) {
        return new Caller(Optional.of(users.find(name).orElseThrow().user()), List.of(), Optional.empty());
    }

    private void user(String name, boolean admin) {
        new CreateUser(users, hasher, users, clock).create(Administration.SYSTEM, "local", name, name + "-password", admin);
    }

    @Test
    void adminsPromoteAndDemoteOthersButNeverThemselvesNorTheLastAdmin() {
        user("root", true);
        user("dev", false);
        SetUserAdmin setAdmin = new SetUserAdmin(users, users, clock);
        Caller root = caller("root");

        assertThatThrownBy(() -> setAdmin.set(caller("dev"), "10.0.0.2", "dev", true)).isInstanceOf(DeniedException.class);
        assertThatThrownBy(() -> setAdmin.set(root, "10.0.0.1", "root", false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("yourself");
        assertThat(setAdmin.set(root, "10.0.0.1", "nobody", true)).isFalse();
        assertThat(setAdmin.set(root, "10.0.0.1", "dev", true)).isTrue();
        assertThat(users.find("dev").orElseThrow().user().admin()).isTrue();

        // dev, now an admin, demotes root; root is then no admin and cannot undo it
        assertThat(setAdmin.set(caller("dev"), "10.0.0.2", "root", false)).isTrue();
        assertThatThrownBy(() -> setAdmin.set(caller("root"), "10.0.0.1", "root", true)).isInstanceOf(DeniedException.class);
        // the last admin cannot be demoted, even by the system
        assertThatThrownBy(() -> setAdmin.set(Administration.SYSTEM, "local", "dev", false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("last enabled administrator");

        assertThat(users.events).filteredOn(e -> e.action().endsWith("-admin"))
                .extracting(AuditLog.Event::actor, AuditLog.Event::action, AuditLog.Event::target, AuditLog.Event::success)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("root", "remove-admin", "root", false),
                        org.assertj.core.groups.Tuple.tuple("root", "make-admin", "nobody", false),
                        org.assertj.core.groups.Tuple.tuple("root", "make-admin", "dev", true),
                        org.assertj.core.groups.Tuple.tuple("dev", "remove-admin", "root", true),
                        org.assertj.core.groups.Tuple.tuple("system", "remove-admin", "dev", false));
    }

    @Test
    void adminsDisableOthersButNeverThemselvesNorTheLastAdmin() {
        user("root", true);
        user("dev", false);
        SetUserEnabled setEnabled = new SetUserEnabled(users, users, clock);
        Caller root = caller("root");
        assertThatThrownBy(() -> setEnabled.set(root, "10.0.0.1", "root", false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("yourself");
        assertThatThrownBy(() -> setEnabled.set(Administration.SYSTEM, "local", "root", false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("last enabled administrator");
        assertThat(setEnabled.set(root, "10.0.0.1", "dev", false)).isTrue();
        assertThat(setEnabled.set(root, "10.0.0.1", "dev", true)).isTrue();
        assertThat(setEnabled.set(root, "10.0.0.1", "ghost", false)).isFalse();
        assertThat(users.find("root").orElseThrow().user().enabled()).isTrue();
        assertThat(users.events).filteredOn(e -> e.action().endsWith("able-user") && !e.success())
                .extracting(AuditLog.Event::detail)
                .containsExactly("refused: own account", "refused: last enabled administrator", "no such user");
    }

    @Test
    void robotTokensAreListedNewestFirstWithoutTheirSecrets() {
        user("root", true);
        user("ci", false);
        Caller root = caller("root");
        CreateRobotToken create = new CreateRobotToken(users, users, users, clock);
        CreateRobotToken.Created first = create.create(root, "a", "ci", "nightly", Grant.parseList("ci/*:pull"),
                Optional.of(NOW.plus(Duration.ofDays(30))));
        CreateRobotToken.Created second = new CreateRobotToken(users, users, users, Clock.offset(clock, Duration.ofMinutes(1)))
                .create(root, "a", "ci", "release", Grant.parseList("ci/*:pull,push"), Optional.empty());
        new RevokeRobotToken(users, users, clock).revoke(root, "a", first.id());

        List<ListRobotTokens.Token> tokens = new ListRobotTokens(users, clock).list(root, "ci");
        assertThat(tokens).extracting(ListRobotTokens.Token::id).containsExactly(second.id(), first.id());
        assertThat(tokens.getFirst().usable()).isTrue();
        assertThat(tokens.getFirst().scope()).isEqualTo(Grant.parseList("ci/*:pull,push"));
        assertThat(tokens.get(1).usable()).isFalse();
        assertThat(tokens.get(1).revokedAt()).contains(NOW);
        assertThat(tokens.get(1).expiresAt()).contains(NOW.plus(Duration.ofDays(30)));
        assertThat(tokens.toString()).doesNotContain(first.secret()).doesNotContain(second.secret());
        assertThat(new ListRobotTokens(users, clock).list(root, "nobody")).isEmpty();
        assertThatThrownBy(() -> new ListRobotTokens(users, clock).list(caller("ci"), "ci"))
                .isInstanceOf(DeniedException.class);
    }

    /**
     * Issue 12: what the admin UI's buttons do, called directly by a user who is no admin (as a
     * forged UI message would): every action is refused, their own grants and admin flag included,
     * and nothing changes.
     */
    @Test
    void everyAdministrationActionRefusesAUserWhoIsNoAdminEvenOnThemselves() {
        user("root", true);
        user("dev", false);
        new GrantAccess(users, users, clock).grant(caller("root"), "a", "dev", Grant.parse("dev/*:pull"));
        CreateRobotToken.Created rootsRobot = new CreateRobotToken(users, users, users, clock)
                .create(caller("root"), "a", "root", "ci", Grant.parseList("ci/*:pull"), Optional.empty());
        InMemoryNotifications notifications = new InMemoryNotifications();
        notifications.save(new NotificationEndpoint("ci", URI.create("http://ci.example/"), Map.of(),
                Duration.ofSeconds(1), 1, Duration.ofHours(1), Set.of(), Set.of(), EnvelopeFormat.V2,
                Optional.empty(), false), false);
        notifications.queue("{\"action\":\"push\"}", NOW);
        notifications.failed(notifications.claim("ci", NOW, 10).orElseThrow(), "500", NOW, NOW.plusSeconds(3600));
        Caller dev = caller("dev");
        List<Runnable> actions = List.of(
                () -> new GrantAccess(users, users, clock).grant(dev, "a", "dev", Grant.parse("*:pull,push,delete")),
                () -> new RevokeAccess(users, users, clock).revoke(dev, "a", "root", new RepositoryPattern("*")),
                () -> new SetUserAdmin(users, users, clock).set(dev, "a", "dev", true),
                () -> new SetUserEnabled(users, users, clock).set(dev, "a", "root", false),
                () -> new ChangePassword(users, hasher, users, clock, GeneratedPasswordFile.NONE).change(dev, "a", "root", "taken-over-password"),
                () -> new CreateUser(users, hasher, users, clock).create(dev, "a", "dev2", "dev2-password", true),
                () -> new CreateRobotToken(users, users, users, clock).create(dev, "a", "root", "mine",
                        Grant.parseList("*:pull"), Optional.empty()),
                () -> new RevokeRobotToken(users, users, clock).revoke(dev, "a", rootsRobot.id()),
                () -> new SetAnonymousPull(users, users, clock).set(dev, "a", new RepositoryPattern("*"), true),
                () -> new ListUsers(users).list(dev),
                () -> new ListRobotTokens(users, clock).list(dev, "root"),
                () -> new ListAuditEvents(users).recent(dev, 10),
                () -> new ListNotificationEndpoints(notifications).list(dev),
                () -> new ListDeliveries(notifications).page(dev, "ci", 0, 10),
                () -> new ListDeliveries(notifications).count(dev, "ci"),
                () -> new RetryDeliveries(notifications, users, clock).retry(dev, "a", "ci"));

        for (Runnable action : actions) {
            assertThatThrownBy(action::run).isInstanceOf(DeniedException.class);
        }
        assertThat(users.find("dev").orElseThrow().user().admin()).isFalse();
        assertThat(users.grants("dev")).containsExactly(Grant.parse("dev/*:pull"));
        assertThat(users.find("root").orElseThrow().user().enabled()).isTrue();
        assertThat(users.find("dev2")).isEmpty();
        assertThat(new ListRobotTokens(users, clock).list(caller("root"), "root")).singleElement()
                .satisfies(token -> assertThat(token.usable()).isTrue());
        assertThat(notifications.statuses().getFirst().nextAttemptAt()).as("still paused").isEqualTo(NOW.plusSeconds(3600));
        assertThat(users.events).noneMatch(e -> e.action().equals("retry-deliveries"));
    }

    /** Issue 12: grants per user and a robot's scope are bounded; changing an existing grant stays possible. */
    @Test
    void aUserHasAtMost256GrantsAndARobotScopeAsMany() {
        user("root", true);
        user("dev", false);
        GrantAccess grant = new GrantAccess(users, users, clock);
        for (int i = 0; i < GrantAccess.MAX_GRANTS; i++) {
            assertThat(grant.grant(caller("root"), "a", "dev", Grant.parse("team-" + i + "/*:pull"))).isTrue();
        }
        assertThatThrownBy(() -> grant.grant(caller("root"), "a", "dev", Grant.parse("one-more/*:pull")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already has 256 grants");
        assertThat(grant.grant(caller("root"), "a", "dev", Grant.parse("team-7/*:pull,push"))).isTrue();
        assertThat(users.grants("dev")).hasSize(GrantAccess.MAX_GRANTS).contains(Grant.parse("team-7/*:pull,push"));
        assertThat(users.events).anyMatch(e -> e.action().equals("grant") && !e.success()
                && e.detail().contains("one-more/*"));

        List<Grant> tooWide = java.util.stream.IntStream.rangeClosed(0, GrantAccess.MAX_GRANTS)
                .mapToObj(i -> Grant.parse("ci-" + i + "/*:pull")).toList();
        assertThatThrownBy(() -> new CreateRobotToken(users, users, users, clock).create(caller("root"), "a", "dev",
                "ci", tooWide, Optional.empty())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at most 256");
    }

    @Test
    void anonymousPullPatternsAreListedForAdminsOnly() {
        user("root", true);
        user("dev", false);
        new SetAnonymousPull(users, users, clock).set(caller("root"), "a", new RepositoryPattern("public/*"), true);
        assertThat(new ListAnonymousPull(users).list(caller("root"))).containsExactly(new RepositoryPattern("public/*"));
        assertThatThrownBy(() -> new ListAnonymousPull(users).list(caller("dev"))).isInstanceOf(DeniedException.class);
    }

    @Test
    void theAuditLogIsSearchedByAdminsOnlyAPageAtATime() {
        user("root", true);
        user("dev", false);
        for (int i = 0; i < 700; i++) {
            users.record(new AuditLog.Event(NOW.plusSeconds(i), "dev", "10.0.0.2", "push", "app:" + i, true, ""));
        }
        SearchAuditEvents search = new SearchAuditEvents(users);
        AuditLog.Filter pushes = new AuditLog.Filter(Optional.of("dev"), Optional.of("push"), Optional.empty(),
                Optional.empty(), Optional.of(true));
        assertThat(search.count(caller("root"), pushes)).isEqualTo(700);
        assertThat(search.page(caller("root"), pushes, 0, 10_000)).hasSize(AuditLog.MAX_PAGE);
        assertThat(search.page(caller("root"), pushes, 695, 10)).extracting(AuditLog.Event::target)
                .containsExactly("app:4", "app:3", "app:2", "app:1", "app:0");
        assertThat(search.page(caller("root"), AuditLog.Filter.ALL, 700, 10)).extracting(AuditLog.Event::action)
                .containsExactly("create-user", "create-user");
        assertThatThrownBy(() -> search.page(caller("dev"), pushes, 0, 10)).isInstanceOf(DeniedException.class);
        assertThatThrownBy(() -> search.count(caller("dev"), pushes)).isInstanceOf(DeniedException.class);
        assertThat(SearchAuditEvents.KNOWN_ACTIONS).contains("create-user", "grant", "certificate-activate");
    }

    @Test
    void theWholeSearchIsExportedAsCsvOrJsonPastOnePageWithFormulasDefused() throws Exception {
        user("root", true);
        user("dev", false);
        for (int i = 0; i < AuditLog.MAX_PAGE + 20; i++) {
            users.record(new AuditLog.Event(NOW.plusSeconds(i), "dev", "10.0.0.2", "push", "app:" + i, true, ""));
        }
        users.record(new AuditLog.Event(NOW.plusSeconds(9_999), "dev", "10.0.0.2", "delete", "=HYPERLINK(\"x\")", false,
                "a, \"quoted\"\nline"));
        // recorded after the export began: not part of it
        users.record(new AuditLog.Event(NOW.plusSeconds(20_000), "dev", "10.0.0.2", "push", "later:1", true, ""));
        ExportAuditEvents export = new ExportAuditEvents(users, Clock.fixed(NOW.plusSeconds(10_000), ZoneOffset.UTC));
        AuditLog.Filter byDev = new AuditLog.Filter(Optional.of("dev"), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty());

        java.io.ByteArrayOutputStream csv = new java.io.ByteArrayOutputStream();
        assertThat(export.export(caller("root"), byDev, ExportAuditEvents.Format.CSV, csv)).isEqualTo(AuditLog.MAX_PAGE + 21);
        List<String> lines = List.of(csv.toString(java.nio.charset.StandardCharsets.UTF_8).split("\r\n", -1));
        assertThat(lines.get(0)).isEqualTo("time,actor,address,action,target,success,detail,occurrences");
        // newest first: the delete, then every push
        assertThat(lines.get(1)).isEqualTo("2026-11-27T12:46:39Z,dev,10.0.0.2,delete,\"'=HYPERLINK(\"\"x\"\")\",false,"
                + "\"a, \"\"quoted\"\"\nline\",1");
        assertThat(lines).hasSize(1 + AuditLog.MAX_PAGE + 21 + 1).last().isEqualTo("");
        assertThat(lines.get(lines.size() - 2)).isEqualTo("2026-11-27T10:00:00Z,dev,10.0.0.2,push,app:0,true,,1");

        java.io.ByteArrayOutputStream json = new java.io.ByteArrayOutputStream();
        export.export(caller("root"), byDev, ExportAuditEvents.Format.JSON, json);
        String text = json.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(text).startsWith("[\n{\"time\":\"2026-11-27T12:46:39Z\",\"actor\":\"dev\",\"address\":\"10.0.0.2\","
                + "\"action\":\"delete\",\"target\":\"=HYPERLINK(\\\"x\\\")\",\"success\":false,"
                + "\"detail\":\"a, \\\"quoted\\\"\\nline\",\"occurrences\":1},\n").endsWith("}\n]\n");
        assertThat(text.lines().filter(l -> l.startsWith("{"))).hasSize(AuditLog.MAX_PAGE + 21);

        java.io.ByteArrayOutputStream none = new java.io.ByteArrayOutputStream();
        AuditLog.Filter nobody = new AuditLog.Filter(Optional.of("nobody"), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty());
        assertThat(export.export(caller("root"), nobody, ExportAuditEvents.Format.JSON, none)).isZero();
        assertThat(none.toString(java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("[]\n");
        assertThatThrownBy(() -> export.export(caller("dev"), byDev, ExportAuditEvents.Format.CSV,
                new java.io.ByteArrayOutputStream())).isInstanceOf(DeniedException.class);
    }

    @Test
    void aSignOutIsAuditedAsTheLoginsCounterpart() {
        user("root", true);
        new RecordSignOut(users, clock).record(caller("root"), "10.0.0.1");
        assertThat(new SearchAuditEvents(users).page(caller("root"), AuditLog.Filter.ALL, 0, 1))
                .extracting(AuditLog.Event::actor, AuditLog.Event::address, AuditLog.Event::action, AuditLog.Event::target,
                        AuditLog.Event::success)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("root", "10.0.0.1", "logout", "admin UI", true));
        assertThat(SearchAuditEvents.KNOWN_ACTIONS).contains("logout");
    }
}
