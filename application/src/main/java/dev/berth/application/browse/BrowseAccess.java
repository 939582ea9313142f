package dev.berth.application.browse;

import dev.berth.domain.RepositoryName;
import dev.berth.domain.access.Action;
import dev.berth.domain.access.Caller;
import dev.berth.domain.error.DeniedException;

/** The access rules of the browse use cases, the same as the registry API's (see {@link Caller#allows}). */
final class BrowseAccess {

    private BrowseAccess() {
    }

    static void require(Caller caller, Action action, RepositoryName repository) {
        if (!caller.allows(action, repository)) {
            throw new DeniedException(caller.name() + " may not " + action.word() + " " + repository);
        }
    }

    static void requireAdmin(Caller caller) {
        if (!caller.admin()) {
            throw new DeniedException(caller.name() + " is not an administrator");
        }
    }
}
