package dev.berth.application.port;

import dev.berth.domain.RepositoryName;
import dev.berth.domain.access.Action;
import dev.berth.domain.access.Caller;
import dev.berth.domain.access.RepositoryPattern;

import java.util.List;
import java.util.Optional;

/**
 * Which repositories a listing shows: the search, the namespace, and what the caller may see. A
 * store translates it into its query language; it must never fetch everything and filter after.
 *
 * @param nameContains  part of the name, "" for any
 * @param namespace     "" for any, else names must start with {@code namespace + "/"}
 * @param patternGroups the name must match at least one pattern of every group (a user's grants, a
 *                      token's scope); no group means no restriction
 */
public record RepositoryFilter(String nameContains, String namespace, List<List<RepositoryPattern>> patternGroups) {

    public static final RepositoryFilter ALL = new RepositoryFilter("", "", List.of());

    public RepositoryFilter {
        patternGroups = patternGroups.stream().map(List::copyOf).toList();
    }

    /**
     * The repositories {@code caller} may pull, as patterns a store can query by, so that a listing
     * never fetches names only to drop them; empty when the caller may pull nothing.
     */
    public static Optional<RepositoryFilter> pullable(Caller caller, String nameContains, String namespace) {
        List<List<RepositoryPattern>> groups = caller.patternGroups(Action.PULL);
        return groups.stream().anyMatch(List::isEmpty) ? Optional.empty()
                : Optional.of(new RepositoryFilter(nameContains, namespace, groups));
    }

    /** What the stores' queries mean, for stores that hold names in memory. */
    public boolean matches(RepositoryName name) {
        String value = name.value();
        return value.contains(nameContains)
                && (namespace.isEmpty() || value.startsWith(namespace + "/"))
                && patternGroups.stream().allMatch(group -> group.stream().anyMatch(p -> p.matches(name)));
    }
}
