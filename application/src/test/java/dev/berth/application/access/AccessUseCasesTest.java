package dev.berth.application.access;

import dev.berth.application.fake.InMemoryMetadata;
import dev.berth.application.fake.InMemoryUsers;
import dev.berth.application.port.AuditLog;
import dev.berth.application.fake.PlainPasswordHasher;
import dev.berth.application.port.GeneratedPasswordFile;
import dev.berth.application.port.TokenService;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.access.Action;
import dev.berth.domain.access.Caller;
import dev.berth.domain.access.Grant;
import dev.berth.domain.access.RepositoryPattern;
import dev.berth.domain.access.Scope;
import dev.berth.domain.error.DeniedException;
import dev.berth.domain.error.TooManyRequestsException;
import dev.berth.domain.error.UnauthorizedException;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AccessUseCasesTest {

    /** Tokens are keys into a map: only what this service issued verifies. */
    static final class MapTokens implements TokenService {
        final Map<String, Claims> issued = new HashMap<>();

        @Override
        public String sign(Claims claims) {
            String token = "t" + issued.size();
            issued.put(token, claims);
            return token;
        }

        @Override
        public Optional<Claims> verify(String token, Instant now) {
            return Optional.ofNullable(issued.get(token)).filter(c -> now.isBefore(c.expiresAt()));
        }
    }

    private final InMemoryUsers users = new InMemoryUsers();
    private final PlainPasswordHasher hasher = new PlainPasswordHasher();
    private final MapTokens tokens = new MapTokens();
    private final Clock clock = Clock.fixed(Instant.parse("2026-11-27T10:00:00Z"), ZoneOffset.UTC);
    private final AccessSettings settings = new AccessSettings(AccessSettings.Mode.BASIC, "Berth", "berth",
            Duration.ofMinutes(5), Duration.ofHours(1), 3, 10, Duration.ofMinutes(5),
            List.of(new RepositoryPattern("public/*")));
    private final AuthenticateCaller authenticate = new AuthenticateCaller(users, users, hasher, users, users, tokens,
            new VerifiedPasswords(), settings, clock);
    private final AuthorizeAccess authorize = new AuthorizeAccess();
    private final Caller admin = Administration.SYSTEM;

    private static RepositoryName name(String value) {
        return RepositoryName.parse(value);
    }

    private void alice() {
        new CreateUser(users, hasher, users, clock).create(admin, "local", "alice", "alice-secret", false);
        new GrantAccess(users, users, clock).grant(admin, "local", "alice", Grant.parse("team-a/*:pull,push"));
        new GrantAccess(users, users, clock).grant(admin, "local", "alice", Grant.parse("shared/*:pull"));
    }

    @Test
    void passwordsAreCheckedAndGrantsApply() {
        alice();
        Caller alice = authenticate.withPassword("alice", "alice-secret", "10.0.0.1", true);
        assertThat(alice.name()).isEqualTo("alice");
        authorize.require(alice, Credential.PASSWORD, Action.PUSH, name("team-a/app"));
        authorize.require(alice, Credential.PASSWORD, Action.PULL, name("shared/base"));
        authorize.require(alice, Credential.PASSWORD, Action.PULL, name("public/x"));
        assertThatThrownBy(() -> authorize.require(alice, Credential.PASSWORD, Action.PUSH, name("shared/base")))
                .isInstanceOf(DeniedException.class);
        assertThat(users.events).anyMatch(e -> e.action().equals("login") && e.success() && e.actor().equals("alice"));
    }

    @Test
    void anonymousCallersPullOnlyAnonymousPatternsAndAreAskedToAuthenticate() {
        Caller anonymous = authenticate.anonymous();
        authorize.require(anonymous, Credential.NONE, Action.PULL, name("public/x"));
        assertThatThrownBy(() -> authorize.require(anonymous, Credential.NONE, Action.PUSH, name("public/x")))
                .isInstanceOf(UnauthorizedException.class);
        new SetAnonymousPull(users, users, clock).set(admin, "local", new RepositoryPattern("docs"), true);
        authorize.require(authenticate.anonymous(), Credential.NONE, Action.PULL, name("docs"));
    }

    @Test
    void wrongPasswordsUnknownUsersAndDisabledUsersFail() {
        alice();
        assertThatThrownBy(() -> authenticate.withPassword("alice", "nope-nope", "a", false))
                .isInstanceOf(UnauthorizedException.class);
        assertThatThrownBy(() -> authenticate.withPassword("bob", "whatever1", "a", false))
                .isInstanceOf(UnauthorizedException.class);
        authenticate.withPassword("alice", "alice-secret", "b", false);
        new SetUserEnabled(users, users, clock).set(admin, "local", "alice", false);
        // even with the password verified a moment ago
        assertThatThrownBy(() -> authenticate.withPassword("alice", "alice-secret", "b", false))
                .isInstanceOf(UnauthorizedException.class);
        assertThat(users.events).filteredOn(e -> e.action().equals("login") && !e.success()).hasSize(3);
    }

    @Test
    void aResumedSessionSeesGrantChangesAtOnceAndEndsWhenTheUserIsDisabled() {
        alice();
        assertThat(authenticate.resume("alice").allows(Action.DELETE, name("team-a/app"))).isFalse();
        new GrantAccess(users, users, clock).grant(admin, "local", "alice", Grant.parse("team-a/*:pull,push,delete"));
        assertThat(authenticate.resume("alice").allows(Action.DELETE, name("team-a/app"))).isTrue();
        new SetUserEnabled(users, users, clock).set(admin, "local", "alice", false);
        assertThatThrownBy(() -> authenticate.resume("alice")).isInstanceOf(UnauthorizedException.class);
        assertThatThrownBy(() -> authenticate.resume("nobody")).isInstanceOf(UnauthorizedException.class);
        assertThatThrownBy(() -> authenticate.resume("Bad Name")).isInstanceOf(UnauthorizedException.class);
    }

    @Test
    void repeatedFailuresAreThrottledPerUserAndPerAddress() {
        alice();
        for (int i = 0; i < 3; i++) {
            String guess = "guess-" + i;
            assertThatThrownBy(() -> authenticate.withPassword("alice", guess, "10.0.0.9", false))
                    .isInstanceOf(UnauthorizedException.class);
        }
        // the right password does not help now, from anywhere
        assertThatThrownBy(() -> authenticate.withPassword("alice", "alice-secret", "10.0.0.10", false))
                .isInstanceOf(TooManyRequestsException.class);
        for (int i = 0; i < 7; i++) {
            String user = "u" + i;
            assertThatThrownBy(() -> authenticate.withPassword(user, "guess-guess", "10.0.0.9", false))
                    .isInstanceOf(UnauthorizedException.class);
        }
        assertThatThrownBy(() -> authenticate.withPassword("someone", "guess-guess", "10.0.0.9", false))
                .isInstanceOf(TooManyRequestsException.class);
        assertThat(users.events).anyMatch(e -> e.detail().startsWith("throttled"));
    }

    /**
     * A client sends its credentials with every request, several at once (one ctr push with a
     * mistyped password was throttled): the same wrong password again is refused, but is no new guess for the
     * throttle, and its repeats share one audit row.
     */
    @Test
    void theSameWrongPasswordRepeatedCountsOnceTowardsTheThrottle() {
        alice();
        for (int i = 0; i < 20; i++) {
            assertThatThrownBy(() -> authenticate.withPassword("alice", "alice-typo", "10.0.0.9", false))
                    .isInstanceOf(UnauthorizedException.class);
            assertThatThrownBy(() -> authenticate.withPassword("nobody", "nobody-typo", "10.0.0.9", false))
                    .isInstanceOf(UnauthorizedException.class);
        }
        assertThat(authenticate.withPassword("alice", "alice-secret", "10.0.0.9", false).name()).isEqualTo("alice");
        List<AuditLog.Event> failed = users.events.stream().filter(e -> !e.success()).toList();
        assertThat(failed).extracting(AuditLog.Event::detail).containsExactly("wrong password", "unknown user",
                "wrong password (the same password again: not counted by the throttle)",
                "unknown user (the same password again: not counted by the throttle)");
        assertThat(failed).extracting(AuditLog.Event::occurrences).containsExactly(1, 1, 19, 19);

        // new guesses count: the third distinct one locks the name
        assertThatThrownBy(() -> authenticate.withPassword("alice", "second-guess", "10.0.0.9", false))
                .isInstanceOf(UnauthorizedException.class);
        assertThatThrownBy(() -> authenticate.withPassword("alice", "third-guess", "10.0.0.9", false))
                .isInstanceOf(UnauthorizedException.class);
        assertThatThrownBy(() -> authenticate.withPassword("alice", "fourth-guess", "10.0.0.10", false))
                .isInstanceOf(TooManyRequestsException.class);
    }

    /** The same wrong password from another address, or for another name, is another attempt. */
    @Test
    void aRepeatCountsAgainFromAnotherAddressOrForAnotherName() {
        alice();
        for (String address : List.of("10.0.0.1", "10.0.0.2", "10.0.0.3")) {
            assertThatThrownBy(() -> authenticate.withPassword("alice", "same-guess", address, false))
                    .isInstanceOf(UnauthorizedException.class);
        }
        assertThatThrownBy(() -> authenticate.withPassword("alice", "alice-secret", "10.0.0.4", false))
                .isInstanceOf(TooManyRequestsException.class);
    }

    @Test
    void robotTokensWorkAsPasswordsWithinTheirScopeUntilRevoked() {
        alice();
        CreateRobotToken.Created robot = new CreateRobotToken(users, users, users, clock).create(admin, "local", "alice",
                "ci", List.of(Grant.parse("team-a/app:pull")), Optional.empty());
        Caller caller = authenticate.withPassword("alice", robot.secret(), "ci", false);
        authorize.require(caller, Credential.PASSWORD, Action.PULL, name("team-a/app"));
        assertThatThrownBy(() -> authorize.require(caller, Credential.PASSWORD, Action.PUSH, name("team-a/app")))
                .isInstanceOf(DeniedException.class);
        new RevokeRobotToken(users, users, clock).revoke(admin, "local", robot.id());
        assertThatThrownBy(() -> authenticate.withPassword("alice", robot.secret(), "ci", false))
                .isInstanceOf(UnauthorizedException.class);
    }

    @Test
    void tokensCarryOnlyWhatTheUserIsGrantedAndTheUserMustStayEnabled() {
        alice();
        Caller alice = authenticate.withPassword("alice", "alice-secret", "a", true);
        IssueToken.Issued issued = new IssueToken(tokens, users, settings, clock).issue(alice,
                Scope.parseList("repository:team-a/app:pull,push,delete repository:other:pull"), true);
        assertThat(issued.access()).containsExactly(new Scope("repository", "team-a/app", Set.of("pull", "push")));
        assertThat(issued.refreshToken()).isPresent();

        Authenticated token = authenticate.withToken(issued.token(), "a");
        assertThat(token.credential()).isEqualTo(Credential.BERTH_TOKEN);
        Caller bearer = token.caller();
        authorize.require(bearer, Credential.BERTH_TOKEN, Action.PUSH, name("team-a/app"));
        // granted but not in this token: a new token would help
        assertThatThrownBy(() -> authorize.require(bearer, Credential.BERTH_TOKEN, Action.PULL, name("team-a/other")))
                .isInstanceOf(UnauthorizedException.class);
        assertThatThrownBy(() -> authorize.require(bearer, Credential.BERTH_TOKEN, Action.PULL, name("other")))
                .isInstanceOf(DeniedException.class);
        assertThatThrownBy(() -> authenticate.withToken(issued.refreshToken().orElseThrow(), "a"))
                .isInstanceOf(UnauthorizedException.class);
        assertThat(authenticate.withRefreshToken(issued.refreshToken().orElseThrow(), "a").name()).isEqualTo("alice");

        new SetUserEnabled(users, users, clock).set(admin, "local", "alice", false);
        assertThatThrownBy(() -> authenticate.withToken(issued.token(), "a")).isInstanceOf(UnauthorizedException.class);
    }

    private CreateRobotToken.Created ciRobotOfTheAdmin() {
        new CreateUser(users, hasher, users, clock).create(admin, "local", "root", "root-secret", true);
        return new CreateRobotToken(users, users, users, clock).create(admin, "local", "root", "ci",
                List.of(Grant.parse("ci/*:pull")), Optional.empty());
    }

    @Test
    void aRobotOfAnAdminStaysInsideItsScopeByPasswordAndByToken() {
        CreateRobotToken.Created robot = ciRobotOfTheAdmin();
        IssueToken issue = new IssueToken(tokens, users, settings, clock);

        Caller basic = authenticate.withPassword("root", robot.secret(), "ci", true);
        assertThat(basic.admin()).isFalse();
        authorize.require(basic, Credential.PASSWORD, Action.PULL, name("ci/tool"));
        assertThatThrownBy(() -> authorize.require(basic, Credential.PASSWORD, Action.PULL, name("secret/app")))
                .isInstanceOf(DeniedException.class);
        assertThatThrownBy(() -> authorize.require(basic, Credential.PASSWORD, Action.PUSH, name("ci/tool")))
                .isInstanceOf(DeniedException.class);

        // docker's offline_token=true (and an OAuth2 password grant): the access token, no refresh token
        IssueToken.Issued issued = issue.issue(basic,
                Scope.parseList("repository:ci/tool:pull,push repository:secret/app:pull,push"), true);
        assertThat(issued.access()).containsExactly(new Scope("repository", "ci/tool", Set.of("pull")));
        assertThat(issued.refreshToken()).isEmpty();

        Caller bearer = authenticate.withToken(issued.token(), "ci").caller();
        authorize.require(bearer, Credential.BERTH_TOKEN, Action.PULL, name("ci/tool"));
        // outside the robot's scope a new token would not help: denied, not asked to authenticate
        assertThatThrownBy(() -> authorize.require(bearer, Credential.BERTH_TOKEN, Action.PUSH, name("secret/app")))
                .isInstanceOf(DeniedException.class);
        assertThatThrownBy(() -> authorize.require(bearer, Credential.BERTH_TOKEN, Action.PULL, name("ci/other")))
                .isInstanceOf(UnauthorizedException.class);
        assertThat(bearer.patternGroups(Action.PULL)).contains(List.of(new RepositoryPattern("ci/*")));

        new RevokeRobotToken(users, users, clock).revoke(admin, "local", robot.id());
        assertThatThrownBy(() -> authenticate.withToken(issued.token(), "ci"))
                .as("the robot's access token dies with it").isInstanceOf(UnauthorizedException.class);
        assertThatThrownBy(() -> authenticate.withPassword("root", robot.secret(), "ci", false))
                .isInstanceOf(UnauthorizedException.class);
    }

    @Test
    void aRobotTokenIsNoPasswordForSigningIn() {
        CreateRobotToken.Created robot = ciRobotOfTheAdmin();

        Throwable wrongPassword = org.assertj.core.api.Assertions.catchThrowable(
                () -> authenticate.signIn("root", "not-the-password", "10.0.0.7"));
        assertThatThrownBy(() -> authenticate.signIn("root", robot.secret(), "10.0.0.7"))
                .as("refused like a wrong password").isInstanceOf(UnauthorizedException.class)
                .hasMessage(wrongPassword.getMessage());

        assertThat(users.events).anyMatch(e -> e.action().equals("login") && !e.success()
                && e.actor().equals("root") && e.detail().contains("robot token"));
        assertThat(authenticate.signIn("root", "root-secret", "10.0.0.7").admin()).isTrue();
    }

    @Test
    void refreshTokensDieWhenTheUserIsDisabledTheirPasswordChangesOrTheirAdminFlagGoes() {
        alice();
        new CreateUser(users, hasher, users, clock).create(admin, "local", "root", "root-secret", true);
        IssueToken issue = new IssueToken(tokens, users, settings, clock);
        java.util.function.Supplier<String> refreshToken = () -> issue.issue(
                authenticate.withPassword("alice", "alice-secret", "a", true), List.of(), true).refreshToken().orElseThrow();

        String beforeDisabling = refreshToken.get();
        new SetUserEnabled(users, users, clock).set(admin, "local", "alice", false);
        new SetUserEnabled(users, users, clock).set(admin, "local", "alice", true);
        assertThatThrownBy(() -> authenticate.withRefreshToken(beforeDisabling, "a"))
                .as("disabled, even if enabled again").isInstanceOf(UnauthorizedException.class);

        String beforeThePasswordChange = refreshToken.get();
        assertThat(authenticate.withRefreshToken(beforeThePasswordChange, "a").name()).isEqualTo("alice");
        new ChangePassword(users, hasher, users, clock, GeneratedPasswordFile.NONE).change(admin, "local", "alice", "new-alice-secret");
        assertThatThrownBy(() -> authenticate.withRefreshToken(beforeThePasswordChange, "a"))
                .isInstanceOf(UnauthorizedException.class);

        new SetUserAdmin(users, users, clock).set(admin, "local", "alice", true);
        IssueToken.Issued asAdmin = issue.issue(authenticate.withPassword("alice", "new-alice-secret", "a", true),
                List.of(), true);
        // refreshing hands out a new refresh token that still works
        String renewed = issue.issue(authenticate.withRefreshToken(asAdmin.refreshToken().orElseThrow(), "a"),
                List.of(), true).refreshToken().orElseThrow();
        assertThat(authenticate.withRefreshToken(renewed, "a").admin()).isTrue();
        new SetUserAdmin(users, users, clock).set(admin, "local", "alice", false);
        assertThatThrownBy(() -> authenticate.withRefreshToken(renewed, "a")).isInstanceOf(UnauthorizedException.class);
        assertThat(users.events).anyMatch(e -> e.action().equals("login") && !e.success()
                && e.detail().startsWith("refresh token issued before"));
    }

    /** A token of an external issuer, as the verifier hands it over. */
    private String externalToken(String subject, String access) {
        Instant now = clock.instant();
        return tokens.sign(new TokenService.Claims(subject, Scope.parseList(access), now, now.plusSeconds(300), false,
                true));
    }

    /** An external issuer's token as the HTTP edge gets it: the caller, never a Berth token's credential. */
    private Caller external(String subject, String access) {
        Authenticated token = authenticate.withToken(externalToken(subject, access), "a");
        assertThat(token.credential()).isEqualTo(Credential.EXTERNAL_TOKEN);
        return token.caller();
    }

    @Test
    void anExternalTokensAccessClaimAloneDecidesForASubjectBerthDoesNotKnow() {
        Caller bob = external("bob@corp.example", "repository:team-b/app:pull,push");
        assertThat(bob.authenticated()).isTrue();
        assertThat(bob.name()).isEqualTo("bob@corp.example");
        assertThat(bob.admin()).isFalse();
        authorize.require(bob, Credential.EXTERNAL_TOKEN, Action.PUSH, name("team-b/app"));
        authorize.require(bob, Credential.EXTERNAL_TOKEN, Action.PULL, name("public/base"));
        // as Distribution: any token lacking the action sends the client back to the issuer (insufficient_scope)
        assertThatThrownBy(() -> authorize.require(bob, Credential.EXTERNAL_TOKEN, Action.DELETE, name("team-b/app")))
                .isInstanceOf(UnauthorizedException.class);
        assertThatThrownBy(() -> authorize.require(bob, Credential.EXTERNAL_TOKEN, Action.PULL, name("team-b/other")))
                .isInstanceOf(UnauthorizedException.class);
        // the catalog shows what the token names (and anybody may pull), nothing wider
        assertThat(bob.entitlement().patternGroups(Action.PULL)).containsExactly(List.of(
                new RepositoryPattern("team-b/app"), new RepositoryPattern("public/*")));
    }

    @Test
    void anExternalTokenIgnoresTheLocalUserOfTheSameName() {
        alice();
        new SetUserEnabled(users, users, clock).set(admin, "local", "alice", false);
        Caller alice = external("alice", "repository:other/app:pull");
        // the issuer vouches: disabled locally or not, only the token's claims count...
        authorize.require(alice, Credential.EXTERNAL_TOKEN, Action.PULL, name("other/app"));
        // ...and the local grants do not
        assertThatThrownBy(() -> authorize.require(alice, Credential.EXTERNAL_TOKEN, Action.PUSH, name("team-a/app")))
                .isInstanceOf(UnauthorizedException.class);
        assertThat(alice.granted(Action.PUSH, name("team-a/app"))).isFalse();
        assertThat(alice.entitlement().patternGroups(Action.PUSH)).containsExactly(List.of());
        Caller admin = external("admin", "repository:x:pull");
        assertThat(admin.admin()).as("never an administrator through an external token").isFalse();
    }

    @Test
    void anExternalTokenGrantsExactNamesOnlyAndNeedsAValidSubject() {
        Caller wildcard = external("eve", "repository:*:pull,push,delete");
        assertThatThrownBy(() -> authorize.require(wildcard, Credential.EXTERNAL_TOKEN, Action.PULL, name("team-a/app")))
                .isInstanceOf(UnauthorizedException.class);
        assertThat(wildcard.patternGroups(Action.PULL)).containsExactly(List.of(new RepositoryPattern("public/*")));
        assertThatThrownBy(() -> authenticate.withToken(externalToken("no spaces allowed", "repository:x:pull"), "a"))
                .isInstanceOf(UnauthorizedException.class);
        Caller anonymous = external("", "repository:x:pull");
        assertThat(anonymous.authenticated()).isFalse();
        authorize.require(anonymous, Credential.EXTERNAL_TOKEN, Action.PULL, name("x"));
        assertThatThrownBy(() -> authorize.require(anonymous, Credential.EXTERNAL_TOKEN, Action.PUSH, name("x")))
                .isInstanceOf(UnauthorizedException.class);
    }

    @Test
    void onlyBearerTokensAreSentBackForAWiderScopeAndBerthsOnlyWhenTheirUserIsEntitled() {
        alice();
        Caller byPassword = authenticate.withPassword("alice", "alice-secret", "a", false);
        Caller byToken = authenticate.withToken(new IssueToken(tokens, users, settings, clock).issue(byPassword,
                Scope.parseList("repository:team-a/app:pull"), false).token(), "a").caller();
        assertThatThrownBy(() -> authorize.require(byPassword, Credential.PASSWORD, Action.PUSH, name("shared/base")))
                .isInstanceOf(DeniedException.class);
        assertThatThrownBy(() -> authorize.require(byToken, Credential.BERTH_TOKEN, Action.PUSH, name("team-a/app")))
                .as("entitled: a new token helps").isInstanceOf(UnauthorizedException.class);
        assertThatThrownBy(() -> authorize.require(byToken, Credential.BERTH_TOKEN, Action.PUSH, name("shared/base")))
                .as("not entitled: no token helps").isInstanceOf(DeniedException.class);
        Caller external = external("alice", "repository:team-a/app:pull");
        assertThatThrownBy(() -> authorize.require(external, Credential.EXTERNAL_TOKEN, Action.PUSH, name("shared/base")))
                .as("the issuer, not Berth, knows what it would grant").isInstanceOf(UnauthorizedException.class);
    }

    @Test
    void htpasswdFilesWithAnythingButBcryptAreRefusedWhole() {
        ImportHtpasswd importer = new ImportHtpasswd(users, hasher, new InMemoryMetadata(), users, clock);
        assertThatThrownBy(() -> importer.importFile("ann:$2y$05$abc\nbob:{SHA}xyz\ncid:$apr1$q\n",
                List.of(), "users.htpasswd"))
                .hasMessageContaining("line 2 (bob): not a bcrypt hash")
                .hasMessageContaining("line 3 (cid)")
                .hasMessageNotContaining("xyz");
        assertThat(users.isEmpty()).isTrue();

        ImportHtpasswd.Result result = importer.importFile("# team\nann:$2y$plain$ann-secret\n\nbob:$2y$plain$bob-secret\n",
                List.of(Grant.parse("*:pull,push")), "users.htpasswd");
        assertThat(result).isEqualTo(new ImportHtpasswd.Result(2, 0));
        Caller bob = authenticate.withPassword("bob", "bob-secret", "a", false);
        authorize.require(bob, Credential.PASSWORD, Action.PUSH, name("any/repo"));
        assertThat(importer.importFile("ann:$2y$plain$new-secret", List.of(), "f").updated()).isEqualTo(1);
        authenticate.withPassword("ann", "new-secret", "a", false);
    }

    @Test
    void theInitialAdminIsCreatedOnceWithAGeneratedPasswordUnlessOneIsGiven() {
        CreateInitialAdmin initial = new CreateInitialAdmin(users, hasher, users, clock);
        CreateInitialAdmin.Created created = initial.createIfNoUsers(Optional.empty()).orElseThrow();
        assertThat(created.generated()).isTrue();
        assertThat(created.password()).hasSizeGreaterThanOrEqualTo(20);
        assertThat(created.toString()).doesNotContain(created.password());
        assertThat(initial.createIfNoUsers(Optional.of("another-password"))).isEmpty();
        Caller root = authenticate.withPassword("admin", created.password(), "a", false);
        assertThat(root.admin()).isTrue();
        authorize.require(root, Credential.PASSWORD, Action.DELETE, name("any/thing"));
    }

    @Test
    void theGeneratedPasswordMustBeReplacedAndItsFileGoesOnceItIs() {
        CreateInitialAdmin.Created created = new CreateInitialAdmin(users, hasher, users, clock)
                .createIfNoUsers(Optional.empty()).orElseThrow();
        Caller root = authenticate.withPassword("admin", created.password(), "a", false);
        CheckPasswordChangeRequired check = new CheckPasswordChangeRequired(users);
        assertThat(check.required(root)).isTrue();
        List<String> removed = new java.util.ArrayList<>();
        ChangePassword change = new ChangePassword(users, hasher, users, clock, () -> removed.add("file"));

        assertThatThrownBy(() -> change.change(root, "a", "admin", "password"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("most commonly used");
        assertThat(check.required(root)).as("a refused password changes nothing").isTrue();
        assertThat(removed).isEmpty();

        assertThat(change.change(root, "a", "admin", "velvet-harbour-lantern")).isTrue();
        assertThat(check.required(root)).isFalse();
        assertThat(removed).containsExactly("file");
        assertThat(change.change(root, "a", "admin", "another-velvet-harbour")).isTrue();
        assertThat(removed).as("only the generated password's replacement removes the file").hasSize(1);
    }

    @Test
    void anAdminChosenPasswordNeedsNoChange() {
        new CreateInitialAdmin(users, hasher, users, clock).createIfNoUsers(Optional.of("velvet-harbour-lantern"));
        Caller root = authenticate.withPassword("admin", "velvet-harbour-lantern", "a", false);
        assertThat(new CheckPasswordChangeRequired(users).required(root)).isFalse();
    }

    @Test
    void commonPasswordsAndTheUserNameAreRefusedWhereverPasswordsAreSet() {
        CreateUser create = new CreateUser(users, hasher, users, clock);
        assertThatThrownBy(() -> create.create(admin, "a", "carol", "12345678", false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("most commonly used");
        assertThatThrownBy(() -> create.create(admin, "a", "carol", "Carol2024!", false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("user name");
        assertThat(users.find("carol")).isEmpty();
        assertThatThrownBy(() -> new CreateInitialAdmin(users, hasher, users, clock).createIfNoUsers(Optional.of("password")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("most commonly used");
    }

    @Test
    void onlyAdminsManageUsers() {
        alice();
        Caller alice = authenticate.withPassword("alice", "alice-secret", "a", false);
        assertThatThrownBy(() -> new CreateUser(users, hasher, users, clock).create(alice, "a", "eve", "eve-secret", true))
                .isInstanceOf(DeniedException.class);
        assertThatThrownBy(() -> new ListUsers(users).list(alice)).isInstanceOf(DeniedException.class);
        assertThat(new ListUsers(users).list(admin)).hasSize(1);
        // everyone may change their own password
        assertThat(new ChangePassword(users, hasher, users, clock, GeneratedPasswordFile.NONE).change(alice, "a", "alice", "new-password")).isTrue();
    }
}
