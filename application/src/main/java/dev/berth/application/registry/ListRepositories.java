package dev.berth.application.registry;

import dev.berth.application.port.RepositoryCatalog;
import dev.berth.domain.RepositoryName;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Use case: a page of the catalog, repository names in lexical order, only those the caller may
 * see (with access control, those they may pull).
 */
@Dependent
public class ListRepositories {

    private final RepositoryCatalog catalog;

    @Inject
    public ListRepositories(RepositoryCatalog catalog) {
        this.catalog = catalog;
    }

    public Page<RepositoryName> list(PageRequest request) {
        return list(request, name -> true);
    }

    /** Reads on in batches past the names the caller may not see until the page is full or the catalog ends. */
    public Page<RepositoryName> list(PageRequest request, Predicate<RepositoryName> visible) {
        if (request.limit() == 0) {
            return new Page<>(List.of(), false);
        }
        int batch = request.limit() + 1;
        List<RepositoryName> found = new ArrayList<>();
        Optional<String> after = request.last();
        while (found.size() <= request.limit()) {
            List<RepositoryName> names = catalog.list(after, batch);
            for (RepositoryName name : names) {
                if (visible.test(name) && found.size() <= request.limit()) {
                    found.add(name);
                }
            }
            if (names.size() < batch) {
                break;
            }
            after = Optional.of(names.getLast().value());
        }
        return Page.of(found, request.limit());
    }
}
