package dev.berth.application.access;

import dev.berth.application.port.AuditLog;
import dev.berth.application.port.LoginFailures;
import dev.berth.application.port.PasswordHasher;
import dev.berth.application.port.RobotTokenStore;
import dev.berth.application.port.TokenService;
import dev.berth.application.port.UserDirectory;
import dev.berth.domain.access.Action;
import dev.berth.domain.access.Caller;
import dev.berth.domain.access.Grant;
import dev.berth.domain.access.RepositoryPattern;
import dev.berth.domain.access.Robot;
import dev.berth.domain.access.Scope;
import dev.berth.domain.access.User;
import dev.berth.domain.error.TooManyRequestsException;
import dev.berth.domain.error.UnauthorizedException;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Use case: who is calling. Checks a user name and password (or a robot token used as the
 * password) against the user directory, or a bearer token's signature and claims; throttles
 * repeated failures per user and per address; audits logins and every failure.
 */
@Dependent
public class AuthenticateCaller {

    /** Robot token secrets start with this, so that they are recognisable in a leak scan. */
    public static final String ROBOT_PREFIX = "berth_";
    private static final String INVALID = "invalid username or password";

    private final UserDirectory users;
    private final RobotTokenStore robots;
    private final PasswordHasher hasher;
    private final LoginFailures failures;
    private final AuditLog audit;
    private final TokenService tokens;
    private final VerifiedPasswords verified;
    private final AccessSettings settings;
    private final Clock clock;

    @Inject
    public AuthenticateCaller(UserDirectory users, RobotTokenStore robots, PasswordHasher hasher, LoginFailures failures,
                              AuditLog audit, TokenService tokens, VerifiedPasswords verified, AccessSettings settings,
                              Clock clock) {
        this.users = users;
        this.robots = robots;
        this.hasher = hasher;
        this.failures = failures;
        this.audit = audit;
        this.tokens = tokens;
        this.verified = verified;
        this.settings = settings;
        this.clock = clock;
    }

    /** Nobody in particular: what anybody may pull. */
    public Caller anonymous() {
        return Caller.anonymous(anonymousGrants());
    }

    /**
     * @param login whether this is a login worth an audit entry when it succeeds (docker login,
     *              the token endpoint), rather than one of the many requests of a push
     * @throws UnauthorizedException     for unknown users, wrong passwords, disabled users
     * @throws TooManyRequestsException when this user or address failed too often lately
     */
    public Caller withPassword(String name, String password, String address, boolean login) {
        return withPassword(name, password, address, login, true);
    }

    /**
     * Sign-in to the admin UI: a user name and password only. A robot token is no password here (a
     * session would outlive its limit): it is refused like a wrong password, and audited as such.
     *
     * @throws UnauthorizedException     for unknown users, wrong passwords, disabled users, robot tokens
     * @throws TooManyRequestsException when this user or address failed too often lately
     */
    public Caller signIn(String name, String password, String address) {
        return withPassword(name, password, address, true, false);
    }

    private Caller withPassword(String name, String password, String address, boolean login, boolean robotsAllowed) {
        Instant now = clock.instant();
        Optional<UserDirectory.StoredUser> stored = validName(name) ? users.find(name) : Optional.empty();
        if (stored.isPresent() && stored.get().user().enabled()
                && verified.contains(stored.get().passwordHash(), password, now)) {
            return loggedIn(stored.get().user(), Optional.empty(), address, login, now);
        }
        throttle(name, address, now);
        if (stored.isEmpty()) {
            hasher.verify(password, DummyHash.of(hasher));
            throw failed(name, "", password, address, now, "unknown user");
        }
        User user = stored.get().user();
        String storedHash = stored.get().passwordHash();
        if (password.startsWith(ROBOT_PREFIX)) {
            Optional<RobotTokenStore.RobotToken> robot = robots.findBySecret(VerifiedPasswords.sha256(password))
                    .filter(t -> t.user().equals(user.name()) && t.usableAt(now));
            if (robot.isPresent() && user.enabled()) {
                if (!robotsAllowed) {
                    throw failed(name, storedHash, password, address, now,
                            "robot token refused: not a password for signing in");
                }
                return loggedIn(user, Optional.of(new Robot(robot.get().id(), robot.get().scope())), address, login,
                        now);
            }
        }
        if (!hasher.verify(password, storedHash)) {
            throw failed(name, storedHash, password, address, now, "wrong password");
        }
        if (!user.enabled()) {
            throw failed(name, storedHash, password, address, now, "user disabled");
        }
        verified.add(stored.get().passwordHash(), password, now);
        return loggedIn(user, Optional.empty(), address, login, now);
    }

    /**
     * A bearer token. From Berth's token endpoint: its claims limit what the caller may do, and the
     * user behind it must still exist and be enabled. From an external issuer
     * ({@link TokenService.Claims#external()}): the issuer vouches for its subject, so the token's
     * access claims (plus what anybody may pull) alone decide, as in Distribution; the users table
     * is not consulted, and such a caller is never an administrator, even when a local user of the
     * same name is one.
     *
     * @return the caller, with {@link Credential#BERTH_TOKEN} or {@link Credential#EXTERNAL_TOKEN}
     * @throws UnauthorizedException for a token that is forged, expired, for another service, or a
     *                               refresh token; for an external token whose subject is not a valid user name
     */
    public Authenticated withToken(String token, String address) {
        Instant now = clock.instant();
        TokenService.Claims claims = tokens.verify(token, now).filter(c -> !c.refresh())
                .orElseThrow(() -> new UnauthorizedException("invalid or expired token"));
        List<Grant> scope = grantsOf(claims.access());
        if (claims.external()) {
            return new Authenticated(externalCaller(claims.subject(), scope), Credential.EXTERNAL_TOKEN);
        }
        return new Authenticated(berthCaller(claims, scope, now), Credential.BERTH_TOKEN);
    }

    private Caller berthCaller(TokenService.Claims claims, List<Grant> scope, Instant now) {
        if (claims.subject().isEmpty()) {
            return anonymous().withTokenAccess(scope);
        }
        User user = users.find(claims.subject()).map(UserDirectory.StoredUser::user).filter(User::enabled)
                .orElseThrow(() -> new UnauthorizedException("the token's user is unknown or disabled"));
        Caller caller = new Caller(Optional.of(user), grantsOf(user), Optional.empty()).withTokenAccess(scope);
        if (claims.robot().isEmpty()) {
            return caller;
        }
        // the robot as it is now: revoked or expired, its tokens die with it
        RobotTokenStore.RobotToken robot = robots.find(claims.robot().get())
                .filter(t -> t.user().equals(user.name()) && t.usableAt(now))
                .orElseThrow(() -> new UnauthorizedException("the token's robot is revoked or expired"));
        return caller.as(new Robot(robot.id(), robot.scope()));
    }

    /** An empty subject is an anonymous token of the issuer: its access claim still counts. */
    private Caller externalCaller(String subject, List<Grant> scope) {
        if (!subject.isEmpty() && !validName(subject)) {
            throw new UnauthorizedException("the token's subject is not a valid user name");
        }
        List<Grant> grants = new ArrayList<>(exact(scope));
        grants.addAll(anonymousGrants());
        Optional<User> user = subject.isEmpty() ? Optional.empty() : Optional.of(new User(subject, true, false));
        return new Caller(user, grants, Optional.empty());
    }

    /**
     * An external issuer names repositories, never patterns: a {@code *} in its access claim is not
     * a repository name and grants nothing (Berth's own tokens carry only names too).
     */
    private static List<Grant> exact(List<Grant> grants) {
        return grants.stream().filter(g -> g.pattern().value().indexOf('*') < 0).toList();
    }

    /**
     * The user of a signed-in session (the admin UI), as they are now: grants changed since the
     * login apply at once, and a user disabled or removed meanwhile is signed out.
     *
     * @throws UnauthorizedException when the user is unknown or disabled
     */
    public Caller resume(String name) {
        User user = (validName(name) ? users.find(name) : Optional.<UserDirectory.StoredUser>empty())
                .map(UserDirectory.StoredUser::user).filter(User::enabled)
                .orElseThrow(() -> new UnauthorizedException("the session's user is unknown or disabled"));
        return new Caller(Optional.of(user), grantsOf(user), Optional.empty());
    }

    /**
     * The user behind a refresh token, if it still may log in and its credentials are those the token
     * was issued for: a password change, disabling (even if enabled again) or a change of the admin
     * flag since then ends it. Robots get no refresh tokens: one that claims a robot is refused.
     */
    public Caller withRefreshToken(String token, String address) {
        Instant now = clock.instant();
        TokenService.Claims claims = tokens.verify(token, now).filter(TokenService.Claims::refresh)
                .filter(c -> !c.external() && c.robot().isEmpty())
                .orElseThrow(() -> new UnauthorizedException("invalid or expired refresh token"));
        Optional<UserDirectory.StoredUser> stored = validName(claims.subject()) ? users.find(claims.subject())
                : Optional.empty();
        String why = stored.isEmpty() || !stored.get().user().enabled() ? "refresh token of an unknown or disabled user"
                : stored.get().credentialStamp() != claims.credentialStamp()
                ? "refresh token issued before the user's password, standing or admin flag changed" : null;
        if (why != null) {
            audit.record(new AuditLog.Event(now, claims.subject(), address, "login", "", false, why));
            throw new UnauthorizedException("the refresh token's user is unknown, disabled or changed; log in again");
        }
        User user = stored.get().user();
        return new Caller(Optional.of(user), grantsOf(user), Optional.empty());
    }

    private Caller loggedIn(User user, Optional<Robot> robot, String address, boolean login, Instant now) {
        if (login) {
            audit.record(new AuditLog.Event(now, user.name(), address, "login", "", true,
                    robot.isPresent() ? "robot token" : "password"));
        }
        return new Caller(Optional.of(user), grantsOf(user), robot);
    }

    /**
     * A throttled attempt is counted, not recorded: one audit row per throttled subject and window
     * carries how many attempts were refused, so a flood of them adds no rows.
     */
    private void throttle(String name, String address, Instant now) {
        Instant since = now.minus(settings.failureWindow());
        String user = userSubject(name);
        String from = addressSubject(address);
        boolean userLocked = failures.countSince(user, since) >= settings.maxUserFailures();
        if (userLocked || failures.countSince(from, since) >= settings.maxAddressFailures()) {
            audit.recordRepeated(new AuditLog.Event(now, storedName(name), address, "login", "", false,
                    userLocked ? "throttled: too many failed logins for this user" : "throttled: too many failed logins from this address"),
                    "throttled:" + (userLocked ? user : from), since);
            throw new TooManyRequestsException("too many failed logins; try again later");
        }
    }

    /**
     * One failed login, counted by the throttle and audited. The same password refused again for the
     * same name (and stored hash) from the same address within the window is no new guess: a client
     * sends the credentials with each of its requests, several at once (containerd's ctr, docker),
     * so one mistyped password would lock the user out at once. Such a repeat is refused without
     * counting; its audit row is one per name, address and window, counting the repeats.
     */
    private UnauthorizedException failed(String name, String storedHash, String password, String address, Instant now,
                                         String why) {
        Instant since = now.minus(settings.failureWindow());
        if (!verified.firstRefusal(storedName(name) + "\u0000" + address + "\u0000" + storedHash, password, now,
                settings.failureWindow())) {
            audit.recordRepeated(new AuditLog.Event(now, storedName(name), address, "login", "", false,
                    why + " (the same password again: not counted by the throttle)"),
                    "repeated:" + userSubject(name) + " " + addressSubject(address), since);
            return new UnauthorizedException(INVALID);
        }
        failures.record(userSubject(name), now);
        failures.record(addressSubject(address), now);
        audit.record(new AuditLog.Event(now, storedName(name), address, "login", "", false, why));
        return new UnauthorizedException(INVALID);
    }

    /**
     * A name as stored in failure and audit rows: a header can carry kilobytes, no user name is
     * longer than {@link User#MAX_NAME_LENGTH}, so longer ones are cut (and marked) there.
     */
    static String storedName(String name) {
        return name.length() <= User.MAX_NAME_LENGTH ? name : name.substring(0, User.MAX_NAME_LENGTH) + "…";
    }

    private static String userSubject(String name) {
        return "user:" + storedName(name);
    }

    private static String addressSubject(String address) {
        return "address:" + address;
    }

    private static boolean validName(String name) {
        try {
            User.validateName(name);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private List<Grant> grantsOf(User user) {
        List<Grant> grants = new ArrayList<>(users.grants(user.name()));
        grants.addAll(anonymousGrants());
        return grants;
    }

    private List<Grant> anonymousGrants() {
        List<Grant> grants = new ArrayList<>();
        for (RepositoryPattern pattern : settings.anonymousPull()) {
            grants.add(new Grant(pattern, EnumSet.of(Action.PULL)));
        }
        for (RepositoryPattern pattern : users.anonymousPull()) {
            grants.add(new Grant(pattern, EnumSet.of(Action.PULL)));
        }
        return grants;
    }

    /** A token's access claims as grants on exact repository names; other types grant nothing here. */
    static List<Grant> grantsOf(List<Scope> access) {
        List<Grant> grants = new ArrayList<>();
        for (Scope scope : access) {
            if (!scope.type().equals("repository")) {
                continue;
            }
            Set<Action> actions = EnumSet.noneOf(Action.class);
            scope.actions().stream().map(Action::ofWord).filter(a -> a != null).forEach(actions::add);
            if (scope.actions().contains("*")) {
                actions.addAll(EnumSet.allOf(Action.class));
            }
            try {
                if (!actions.isEmpty()) {
                    grants.add(new Grant(new RepositoryPattern(scope.name()), actions));
                }
            } catch (IllegalArgumentException e) {
                // not a repository name Berth has: grants nothing
            }
        }
        return grants;
    }
}
