package dev.berth.application.registry;

import dev.berth.application.port.RepositoryCatalog;
import dev.berth.domain.RepositoryName;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.util.List;

/** Use case: a page of the catalog, repository names in lexical order. */
@Dependent
public class ListRepositories {

    private final RepositoryCatalog catalog;

    @Inject
    public ListRepositories(RepositoryCatalog catalog) {
        this.catalog = catalog;
    }

    public Page<RepositoryName> list(PageRequest request) {
        if (request.limit() == 0) {
            return new Page<>(List.of(), false);
        }
        return Page.of(catalog.list(request.last(), request.limit() + 1), request.limit());
    }
}
