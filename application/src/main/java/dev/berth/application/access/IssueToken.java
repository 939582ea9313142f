package dev.berth.application.access;

import dev.berth.application.port.TokenService;
import dev.berth.application.port.UserDirectory;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.access.Action;
import dev.berth.domain.access.Caller;
import dev.berth.domain.access.Robot;
import dev.berth.domain.access.Scope;
import dev.berth.domain.error.NameInvalidException;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Use case: the token endpoint's answer. The token carries, of the access asked for, only what the
 * caller is allowed (an empty access list is still a token, as the specification wants): for a
 * robot, its user's grants within the robot's scope, and the robot's id so that the token keeps to
 * that scope in listings and dies with the robot. Robots get no refresh token: one would outlive
 * the robot's revocation and, before this rule, carried none of its limit.
 */
@Dependent
public class IssueToken {

    /**
     * @param refreshToken present when the client asked for one (OAuth2 offline access) and the
     *                     caller is a user with a password (never a robot)
     */
    public record Issued(String token, Instant issuedAt, Duration expiresIn, List<Scope> access,
                         Optional<String> refreshToken) {
    }

    private final TokenService tokens;
    private final UserDirectory users;
    private final AccessSettings settings;
    private final Clock clock;

    @Inject
    public IssueToken(TokenService tokens, UserDirectory users, AccessSettings settings, Clock clock) {
        this.tokens = tokens;
        this.users = users;
        this.settings = settings;
        this.clock = clock;
    }

    public Issued issue(Caller caller, List<Scope> requested, boolean withRefreshToken) {
        Instant now = clock.instant();
        List<Scope> granted = new ArrayList<>();
        for (Scope scope : requested) {
            grant(caller, scope).ifPresent(granted::add);
        }
        String subject = caller.user().map(u -> u.name()).orElse("");
        String token = tokens.sign(new TokenService.Claims(subject, granted, now, now.plus(settings.tokenLifetime()),
                false, false, caller.robot().map(Robot::id), TokenService.Claims.NO_STAMP));
        Optional<String> refresh = withRefreshToken && caller.authenticated() && caller.robot().isEmpty()
                ? users.find(subject).map(stored -> tokens.sign(new TokenService.Claims(subject, List.of(), now,
                now.plus(settings.refreshLifetime()), true, false, Optional.empty(), stored.credentialStamp())))
                : Optional.empty();
        return new Issued(token, now, settings.tokenLifetime(), granted, refresh);
    }

    private static Optional<Scope> grant(Caller caller, Scope scope) {
        if (scope.equals(Scope.CATALOG)) {
            // the catalog lists only what the caller may pull
            return caller.authenticated() ? Optional.of(scope) : Optional.empty();
        }
        if (!scope.type().equals("repository")) {
            return Optional.empty();
        }
        RepositoryName name;
        try {
            name = RepositoryName.parse(scope.name());
        } catch (NameInvalidException e) {
            return Optional.empty();
        }
        Set<String> actions = new LinkedHashSet<>();
        for (String word : scope.actions()) {
            if (word.equals("*")) {
                for (Action action : Action.values()) {
                    if (caller.allows(action, name)) {
                        actions.add(action.word());
                    }
                }
                continue;
            }
            Action action = Action.ofWord(word);
            if (action != null && caller.allows(action, name)) {
                actions.add(word);
            }
        }
        return actions.isEmpty() ? Optional.empty() : Optional.of(new Scope("repository", name.value(), actions));
    }
}
