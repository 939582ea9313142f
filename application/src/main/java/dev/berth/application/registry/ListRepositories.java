package dev.berth.application.registry;

import dev.berth.application.port.RepositoryCatalog;
import dev.berth.application.port.RepositoryFilter;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.access.Caller;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.util.List;
import java.util.Optional;

/**
 * Use case: a page of the catalog, repository names in lexical order, only those the caller may
 * pull by its effective rights (its grants within a robot's scope; a bearer token's access claims
 * do not narrow it, the catalog scope is about listing). The store filters: one page is one query
 * however little the caller may see.
 */
@Dependent
public class ListRepositories {

    private final RepositoryCatalog catalog;

    @Inject
    public ListRepositories(RepositoryCatalog catalog) {
        this.catalog = catalog;
    }

    public Page<RepositoryName> list(PageRequest request, Caller caller) {
        Optional<RepositoryFilter> visible = RepositoryFilter.pullable(caller.entitlement(), "", "");
        if (request.limit() == 0 || visible.isEmpty()) {
            return new Page<>(List.of(), false);
        }
        return Page.of(catalog.list(visible.get(), request.last(), request.limit() + 1), request.limit());
    }
}
