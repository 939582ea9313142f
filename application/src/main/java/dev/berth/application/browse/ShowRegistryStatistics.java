package dev.berth.application.browse;

import dev.berth.application.event.ActivityCounter;
import dev.berth.application.event.EventAction;
import dev.berth.application.port.RepositoryCatalog;
import dev.berth.domain.access.Caller;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

/** Use case: the whole registry's numbers for the admin dashboard; registry-wide, so for admins only. */
@Dependent
public class ShowRegistryStatistics {

    private final RepositoryCatalog catalog;
    private final ActivityCounter activity;

    @Inject
    public ShowRegistryStatistics(RepositoryCatalog catalog, ActivityCounter activity) {
        this.catalog = catalog;
        this.activity = activity;
    }

    /** @throws dev.berth.domain.error.DeniedException when the caller is no administrator */
    public RegistryStatistics show(Caller caller) {
        BrowseAccess.requireAdmin(caller);
        RepositoryCatalog.Totals totals = catalog.totals();
        return new RegistryStatistics(totals.repositories(), totals.tags(), totals.manifests(), totals.blobs(),
                totals.storedBytes(), activity.countToday(EventAction.PUSH), activity.countToday(EventAction.PULL));
    }
}
