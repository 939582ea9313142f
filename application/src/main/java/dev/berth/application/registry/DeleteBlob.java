package dev.berth.application.registry;

import dev.berth.application.port.BlobLinkStore;
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

    @Inject
    public DeleteBlob(BlobLinkStore links, RepositoryGuard guard) {
        this.links = links;
        this.guard = guard;
    }

    public void delete(RepositoryName repository, Digest digest) {
        guard.requireDeletesEnabled();
        if (!links.unlink(repository, digest)) {
            guard.requireExisting(repository);
            throw new BlobUnknownException(digest.toString());
        }
    }
}
