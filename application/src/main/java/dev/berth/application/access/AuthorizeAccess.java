package dev.berth.application.access;

import dev.berth.domain.RepositoryName;
import dev.berth.domain.access.Action;
import dev.berth.domain.access.Caller;
import dev.berth.domain.error.DeniedException;
import dev.berth.domain.error.UnauthorizedException;
import jakarta.enterprise.context.Dependent;

/**
 * Use case: may this caller do that to this repository. Callers who could do better by
 * authenticating are told to (401): anonymous ones; any external issuer's token that lacks the
 * action (as Distribution answers: the issuer decides what a new token may carry); a Berth token
 * whose user is entitled to the action (the client fetches a new token). Everybody else is denied
 * (403): a password that lacks the grant, a robot's token asking beyond the robot's scope, a Berth
 * token asking beyond its user's grants: a new token would not help.
 */
@Dependent
public class AuthorizeAccess {

    /**
     * @param credential how the caller authenticated
     * @throws UnauthorizedException when authenticating (again) could help
     * @throws DeniedException       when the caller is known and not allowed
     */
    public void require(Caller caller, Credential credential, Action action, RepositoryName repository) {
        if (caller.allows(action, repository)) {
            return;
        }
        boolean renewable = switch (credential) {
            case NONE, PASSWORD -> false;
            case BERTH_TOKEN -> caller.entitled(action, repository);
            case EXTERNAL_TOKEN -> true;
        };
        if (!caller.authenticated() || renewable) {
            throw new UnauthorizedException(action.word() + " access to " + repository + " requires authentication");
        }
        throw new DeniedException(caller.name() + " may not " + action.word() + " " + repository);
    }

    public boolean allows(Caller caller, Action action, RepositoryName repository) {
        return caller.allows(action, repository);
    }
}
