package dev.berth.application.access;

import dev.berth.domain.RepositoryName;
import dev.berth.domain.access.Action;
import dev.berth.domain.access.Caller;
import dev.berth.domain.error.DeniedException;
import dev.berth.domain.error.UnauthorizedException;
import jakarta.enterprise.context.Dependent;

/**
 * Use case: may this caller do that to this repository. Callers who could do better by
 * authenticating (anonymous ones, and bearer tokens that lack a scope their credential is entitled
 * to: the client fetches a new token) are told to authenticate; everybody else is denied (a robot's
 * token asking beyond the robot's scope too: a new token would not help).
 */
@Dependent
public class AuthorizeAccess {

    /**
     * @param renewable whether the caller's credential is a token the client can renew with a wider scope
     * @throws UnauthorizedException when authenticating (again) could help
     * @throws DeniedException       when the caller is known and not allowed
     */
    public void require(Caller caller, boolean renewable, Action action, RepositoryName repository) {
        if (caller.allows(action, repository)) {
            return;
        }
        if (!caller.authenticated() || (renewable && caller.entitled(action, repository))) {
            throw new UnauthorizedException(action.word() + " access to " + repository + " requires authentication");
        }
        throw new DeniedException(caller.name() + " may not " + action.word() + " " + repository);
    }

    public boolean allows(Caller caller, Action action, RepositoryName repository) {
        return caller.allows(action, repository);
    }
}
