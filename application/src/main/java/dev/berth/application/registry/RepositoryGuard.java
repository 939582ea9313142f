package dev.berth.application.registry;

import dev.berth.application.port.RepositoryCatalog;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.error.NameUnknownException;
import dev.berth.domain.error.UnsupportedException;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

/** Checks shared by the read and delete use cases. */
@Dependent
public class RepositoryGuard {

    private final RepositoryCatalog catalog;
    private final RegistrySettings settings;

    @Inject
    public RepositoryGuard(RepositoryCatalog catalog, RegistrySettings settings) {
        this.catalog = catalog;
        this.settings = settings;
    }

    /** @throws NameUnknownException when nothing was ever pushed to the repository */
    public void requireExisting(RepositoryName repository) {
        if (!catalog.exists(repository)) {
            throw new NameUnknownException(repository.toString());
        }
    }

    /** @throws UnsupportedException when the configuration forbids deletes (storage.delete.enabled) */
    public void requireDeletesEnabled() {
        if (!settings.deleteEnabled()) {
            throw UnsupportedException.deletesDisabled();
        }
    }
}
