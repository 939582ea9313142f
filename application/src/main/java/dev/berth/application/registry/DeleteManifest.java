package dev.berth.application.registry;

import dev.berth.application.maintenance.ImmutableTags;
import dev.berth.application.maintenance.MaintenanceMode;
import dev.berth.application.event.RegistryEvents;
import dev.berth.application.port.ManifestStore;
import dev.berth.application.port.TagStore;
import dev.berth.application.port.Transactions;
import dev.berth.domain.Digest;
import dev.berth.domain.Reference;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.Tag;
import dev.berth.domain.error.ManifestUnknownException;
import dev.berth.domain.error.UnsupportedException;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

/**
 * Use case: DELETE a manifest. By digest the manifest goes, with every tag pointing at it; by tag
 * only the tag goes and the manifest stays reachable by digest. A platform image an index still
 * lists cannot be deleted before the index.
 */
@Dependent
public class DeleteManifest {

    private final ManifestStore manifests;
    private final TagStore tags;
    private final RepositoryGuard guard;
    private final Transactions transactions;
    private final RegistryEvents events;
    private final MaintenanceMode mode;
    private final ImmutableTags immutable;

    @Inject
    public DeleteManifest(ManifestStore manifests, TagStore tags, RepositoryGuard guard, Transactions transactions,
                          RegistryEvents events, MaintenanceMode mode, ImmutableTags immutable) {
        this.mode = mode;
        this.immutable = immutable;
        this.manifests = manifests;
        this.tags = tags;
        this.guard = guard;
        this.transactions = transactions;
        this.events = events;
    }

    public void delete(RepositoryName repository, Reference reference) {
        guard.requireDeletesEnabled();
        mode.requireWritable();
        boolean deleted = transactions.inTransaction(() -> switch (reference) {
            case Tag tag -> {
                immutable.requireDeletable(repository, tag);
                boolean untagged = tags.untag(repository, tag);
                if (untagged) {
                    events.tagDeleted(repository, tag);
                }
                yield untagged;
            }
            case Digest digest -> {
                if (manifests.isChildOfAnother(repository, digest)) {
                    // an index would point at nothing: its platform images go after it, not before
                    throw new UnsupportedException("an index in this repository lists " + digest + "; delete the index first");
                }
                immutable.requireDeletable(repository, digest);
                boolean removed = manifests.delete(repository, digest);
                if (removed) {
                    events.manifestDeleted(repository, digest);
                }
                yield removed;
            }
        });
        if (!deleted) {
            guard.requireExisting(repository);
            throw new ManifestUnknownException(reference.toString());
        }
    }
}
