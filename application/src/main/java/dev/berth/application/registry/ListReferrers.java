package dev.berth.application.registry;

import dev.berth.application.port.ManifestStore;
import dev.berth.application.port.StoredManifest;
import dev.berth.domain.Digest;
import dev.berth.domain.RepositoryName;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.util.List;
import java.util.Optional;

/**
 * Use case (OCI 1.1 referrers API): the manifests whose subject is a digest, e.g. its signatures
 * and SBOMs. None is an empty list, not an error, even when the subject itself was never pushed.
 */
@Dependent
public class ListReferrers {

    private final ManifestStore manifests;
    private final RepositoryGuard guard;

    @Inject
    public ListReferrers(ManifestStore manifests, RepositoryGuard guard) {
        this.manifests = manifests;
        this.guard = guard;
    }

    public List<StoredManifest> list(RepositoryName repository, Digest subject, Optional<String> artifactType) {
        guard.requireExisting(repository);
        return manifests.referrers(repository, subject, artifactType);
    }
}
