package dev.berth.application.browse;

import dev.berth.application.maintenance.ImmutableTags;
import dev.berth.application.maintenance.MaintenanceMode;
import dev.berth.application.access.RecordActivity;
import dev.berth.application.event.RegistryEvents;
import dev.berth.application.port.RepositoryCatalog;
import dev.berth.application.port.Transactions;
import dev.berth.application.registry.DeleteManifest;
import dev.berth.application.registry.RepositoryGuard;
import dev.berth.domain.Digest;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.Tag;
import dev.berth.domain.access.Action;
import dev.berth.domain.access.Caller;
import dev.berth.domain.error.NameUnknownException;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.util.List;

/**
 * Use case: the admin UI's deletions. Tags and manifests go through {@link DeleteManifest}, as
 * through the registry API, so the same rules hold (deletes enabled, no index left pointing at
 * nothing) and the same events go out. Each deletion is audited like an API one.
 */
@Dependent
public class DeleteImages {

    private final DeleteManifest deleteManifest;
    private final RepositoryCatalog catalog;
    private final RepositoryGuard guard;
    private final Transactions transactions;
    private final RegistryEvents events;
    private final RecordActivity audit;
    private final MaintenanceMode mode;
    private final ImmutableTags immutable;

    @Inject
    public DeleteImages(DeleteManifest deleteManifest, RepositoryCatalog catalog, RepositoryGuard guard,
                        Transactions transactions, RegistryEvents events, RecordActivity audit, MaintenanceMode mode,
                        ImmutableTags immutable) {
        this.mode = mode;
        this.immutable = immutable;
        this.deleteManifest = deleteManifest;
        this.catalog = catalog;
        this.guard = guard;
        this.transactions = transactions;
        this.events = events;
        this.audit = audit;
    }

    /**
     * @param address the client's address, for the audit log
     * @throws dev.berth.domain.error.DeniedException          without the delete right on the repository
     * @throws dev.berth.domain.error.UnsupportedException     when deletes are disabled
     * @throws dev.berth.domain.error.ManifestUnknownException when there is no such tag
     */
    public void tag(Caller caller, String address, RepositoryName repository, Tag tag) {
        BrowseAccess.require(caller, Action.DELETE, repository);
        deleteManifest.delete(repository, tag);
        audit.record(caller, address, "delete", repository + ":" + tag);
    }

    /**
     * The manifest and every tag pointing at it.
     *
     * @throws dev.berth.domain.error.UnsupportedException     when deletes are disabled, or an index lists it
     * @throws dev.berth.domain.error.ManifestUnknownException when there is no such manifest
     */
    public void manifest(Caller caller, String address, RepositoryName repository, Digest digest) {
        BrowseAccess.require(caller, Action.DELETE, repository);
        deleteManifest.delete(repository, digest);
        audit.record(caller, address, "delete", repository + "@" + digest);
    }

    /**
     * Everything in the repository at once, in one transaction, with a delete event per manifest;
     * afterwards the catalog no longer lists it. The blobs stay for garbage collection.
     *
     * @throws NameUnknownException when there is no such repository
     */
    public void repository(Caller caller, String address, RepositoryName repository) {
        BrowseAccess.require(caller, Action.DELETE, repository);
        guard.requireDeletesEnabled();
        mode.requireWritable();
        transactions.run(() -> {
            immutable.requireDeletable(repository);
            List<Digest> deleted = catalog.delete(repository)
                    .orElseThrow(() -> new NameUnknownException(repository.toString()));
            deleted.forEach(digest -> events.manifestDeleted(repository, digest));
        });
        audit.record(caller, address, "delete", repository.value());
    }
}
