package dev.berth.application.registry;

import dev.berth.application.port.ManifestStore;
import dev.berth.application.port.TagStore;
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

    @Inject
    public DeleteManifest(ManifestStore manifests, TagStore tags, RepositoryGuard guard) {
        this.manifests = manifests;
        this.tags = tags;
        this.guard = guard;
    }

    public void delete(RepositoryName repository, Reference reference) {
        guard.requireDeletesEnabled();
        boolean deleted = switch (reference) {
            case Tag tag -> tags.untag(repository, tag);
            case Digest digest -> {
                if (manifests.isChildOfAnother(repository, digest)) {
                    // an index would point at nothing: its platform images go after it, not before
                    throw new UnsupportedException("an index in this repository lists " + digest + "; delete the index first");
                }
                yield manifests.delete(repository, digest);
            }
        };
        if (!deleted) {
            guard.requireExisting(repository);
            throw new ManifestUnknownException(reference.toString());
        }
    }
}
