package dev.berth.application.browse;

import dev.berth.application.port.RepositoryCatalog;
import dev.berth.application.port.RepositoryFilter;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.access.Action;
import dev.berth.domain.access.Caller;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Use case: the admin UI's repository grid, a page at a time, with the numbers of each repository.
 * A caller sees the repositories they may pull; the store filters and sorts, so a page costs the
 * same with a hundred repositories as with a hundred thousand.
 */
@Dependent
public class BrowseRepositories {

    static final int MAX_PAGE = 500;
    static final int MAX_NAMESPACES = 1000;

    /** Static: a @Dependent bean is created per injection, the count is per JVM. */
    private static final AtomicLong ROWS_FETCHED = new AtomicLong();

    private final RepositoryCatalog catalog;

    @Inject
    public BrowseRepositories(RepositoryCatalog catalog) {
        this.catalog = catalog;
    }

    /** @param limit at most {@value #MAX_PAGE} are returned, whatever is asked */
    public List<RepositorySummary> page(Caller caller, RepositoryQuery query, int offset, int limit) {
        if (offset < 0 || limit < 0) {
            throw new IllegalArgumentException("offset and limit must not be negative");
        }
        Optional<RepositoryFilter> filter = filter(caller, query);
        if (filter.isEmpty() || limit == 0) {
            return List.of();
        }
        List<RepositorySummary> page = catalog.browse(filter.get(), query.sort(), query.descending(), offset,
                Math.min(limit, MAX_PAGE));
        ROWS_FETCHED.addAndGet(page.size());
        return page;
    }

    public long count(Caller caller, RepositoryQuery query) {
        return filter(caller, query).map(catalog::count).orElse(0L);
    }

    /**
     * One repository's numbers; empty when it does not exist or the caller may not pull from it (the
     * two look the same, so that names of hidden repositories do not leak).
     */
    public Optional<RepositorySummary> summary(Caller caller, RepositoryName name) {
        return caller.allows(Action.PULL, name) ? catalog.summary(name) : Optional.empty();
    }

    /** The namespaces of the repositories the caller may pull, by name, at most {@value #MAX_NAMESPACES}. */
    public List<NamespaceSummary> namespaces(Caller caller) {
        return RepositoryFilter.pullable(caller, "", "").map(f -> catalog.namespaces(f, MAX_NAMESPACES)).orElse(List.of());
    }

    /** The repository rows this JVM has fetched for pages: a test proves with it that the grid is lazy. */
    public long rowsFetched() {
        return ROWS_FETCHED.get();
    }

    private static Optional<RepositoryFilter> filter(Caller caller, RepositoryQuery query) {
        return RepositoryFilter.pullable(caller, query.nameContains(), query.namespace());
    }
}
