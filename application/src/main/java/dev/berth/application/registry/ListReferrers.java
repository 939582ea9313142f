package dev.berth.application.registry;

import dev.berth.application.port.ManifestStore;
import dev.berth.application.port.Referrer;
import dev.berth.domain.Digest;
import dev.berth.domain.RepositoryName;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.util.List;
import java.util.Optional;

/**
 * Use case (OCI 1.1 referrers API): a page of the manifests whose subject is a digest, e.g. its
 * signatures and SBOMs, in digest order. None is an empty list, not an error, even when the subject
 * or the repository was never pushed. Pages are bounded like tag pages ({@code catalog.maxentries}),
 * and hold stored descriptor columns only, so a subject with thousands of large referrers costs one
 * bounded query per page.
 */
@Dependent
public class ListReferrers {

    private final ManifestStore manifests;

    @Inject
    public ListReferrers(ManifestStore manifests) {
        this.manifests = manifests;
    }

    /** Never "unknown": the spec forbids a 404 here (clients would fall back to the tag schema). */
    public Page<Referrer> list(RepositoryName repository, Digest subject, Optional<String> artifactType,
                               PageRequest request) {
        if (request.limit() == 0) {
            return new Page<>(List.of(), false);
        }
        return Page.of(manifests.referrers(repository, subject, artifactType, request.last(), request.limit() + 1),
                request.limit());
    }
}
