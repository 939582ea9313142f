package dev.berth.application.registry;

import dev.berth.application.maintenance.MaintenanceMode;
import dev.berth.application.event.RegistryEvents;
import dev.berth.application.port.BlobLinkStore;
import dev.berth.application.port.Transactions;
import dev.berth.domain.Digest;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.error.BlobUnknownException;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

/**
 * Use case: remove a blob from a repository. Only the link goes: the bytes may be shared with
 * other repositories, and garbage collection removes content nothing links.
 */
@Dependent
public class DeleteBlob {

    private final BlobLinkStore links;
    private final RepositoryGuard guard;
    private final Transactions transactions;
    private final RegistryEvents events;
    private final MaintenanceMode mode;

    @Inject
    public DeleteBlob(BlobLinkStore links, RepositoryGuard guard, Transactions transactions, RegistryEvents events,
                      MaintenanceMode mode) {
        this.mode = mode;
        this.links = links;
        this.guard = guard;
        this.transactions = transactions;
        this.events = events;
    }

    public void delete(RepositoryName repository, Digest digest) {
        guard.requireDeletesEnabled();
        mode.requireWritable();
        boolean unlinked = transactions.inTransaction(() -> {
            boolean removed = links.unlink(repository, digest);
            if (removed) {
                events.blobDeleted(repository, digest);
            }
            return removed;
        });
        if (!unlinked) {
            guard.requireExisting(repository);
            throw new BlobUnknownException(digest.toString());
        }
    }
}
