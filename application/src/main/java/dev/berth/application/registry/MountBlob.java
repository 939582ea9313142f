package dev.berth.application.registry;

import dev.berth.application.maintenance.MaintenanceMode;
import dev.berth.application.event.RegistryEvents;
import dev.berth.application.port.BlobLinkStore;
import dev.berth.application.port.RepositoryCatalog;
import dev.berth.application.port.Transactions;
import dev.berth.application.usage.QuotaGuard;
import dev.berth.domain.Digest;
import dev.berth.domain.RepositoryName;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * Use case: cross-repository mount (POST ?mount=&from=): link a blob the registry already has
 * instead of uploading it again. Empty result: the client uploads normally.
 */
@Dependent
public class MountBlob {

    private final BlobLinkStore links;
    private final RepositoryCatalog catalog;
    private final Transactions transactions;
    private final RegistryEvents events;
    private final MaintenanceMode mode;
    private final QuotaGuard quotas;

    @Inject
    public MountBlob(BlobLinkStore links, RepositoryCatalog catalog, Transactions transactions, RegistryEvents events,
                     MaintenanceMode mode, QuotaGuard quotas) {
        this.mode = mode;
        this.catalog = catalog;
        this.links = links;
        this.transactions = transactions;
        this.events = events;
        this.quotas = quotas;
    }

    /**
     * @param from the repository the client says has the blob; without it, any stored copy will do.
     *             (With access control, the caller must check pull permission on {@code from}.)
     * @return the mounted blob's size
     */
    public OptionalLong mount(RepositoryName repository, Digest digest, Optional<RepositoryName> from) {
        mode.requireWritable();
        OptionalLong size = from.isPresent() ? links.linkedSize(from.get(), digest) : links.blobSize(digest);
        if (size.isPresent()) {
            transactions.run(() -> {
                if (!catalog.exists(repository)) {
                    quotas.admitRepository(repository);
                }
                quotas.admitBlob(repository, digest, size.getAsLong());
                links.link(repository, digest);
                events.blobMounted(repository, digest, size.getAsLong(), from.orElse(null));
            });
        }
        return size;
    }
}
