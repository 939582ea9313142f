package dev.berth.application.browse;

import dev.berth.application.port.RepositoryFilter;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.access.Action;
import dev.berth.domain.access.Caller;
import dev.berth.domain.access.Grant;
import dev.berth.domain.access.RepositoryPattern;
import dev.berth.domain.error.DeniedException;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

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

    /**
     * The filter of the repositories the caller may pull, as patterns a store can query by, so that a
     * listing never fetches names only to drop them; empty when the caller may pull nothing.
     */
    static Optional<RepositoryFilter> pullable(Caller caller, String nameContains, String namespace) {
        List<List<RepositoryPattern>> groups = new ArrayList<>();
        if (!caller.admin()) {
            groups.add(pullPatterns(caller.grants()));
        }
        caller.limit().ifPresent(scope -> groups.add(pullPatterns(scope)));
        if (groups.stream().anyMatch(List::isEmpty)) {
            return Optional.empty();
        }
        // a group with '*' lets every name through: no condition needed
        groups.removeIf(group -> group.contains(RepositoryPattern.ALL));
        return Optional.of(new RepositoryFilter(nameContains, namespace, groups));
    }

    private static List<RepositoryPattern> pullPatterns(List<Grant> grants) {
        return grants.stream().filter(g -> g.actions().contains(Action.PULL)).map(Grant::pattern).distinct().toList();
    }
}
