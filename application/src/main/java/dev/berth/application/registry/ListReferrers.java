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
 * and SBOMs. None is an empty list, not an error, even when the subject or the repository was never pushed.
 */
@Dependent
public class ListReferrers {

    private final ManifestStore manifests;

    @Inject
    public ListReferrers(ManifestStore manifests) {
        this.manifests = manifests;
    }

    /** Never "unknown": the spec forbids a 404 here (clients would fall back to the tag schema). */
    public List<StoredManifest> list(RepositoryName repository, Digest subject, Optional<String> artifactType) {
        return manifests.referrers(repository, subject, artifactType);
    }
}
