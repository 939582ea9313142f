package dev.berth.application.browse;

import java.util.Comparator;

/** How a page of repositories is ordered; ties are broken by name, in the same direction. */
public enum RepositorySort {
    NAME, LAST_PUSH, SIZE;

    /**
     * The order a store returns pages in, for stores that sort in memory and for tests: ties by name,
     * everything reversed when descending; a repository never pushed to counts as the oldest push.
     */
    public Comparator<RepositorySummary> order(boolean descending) {
        Comparator<RepositorySummary> byName = Comparator.comparing(r -> r.name().value());
        Comparator<RepositorySummary> order = switch (this) {
            case NAME -> byName;
            case LAST_PUSH -> Comparator.comparing((RepositorySummary r) -> r.lastPush().orElse(null),
                    Comparator.nullsFirst(Comparator.naturalOrder())).thenComparing(byName);
            case SIZE -> Comparator.comparingLong(RepositorySummary::storedBytes).thenComparing(byName);
        };
        return descending ? order.reversed() : order;
    }
}
