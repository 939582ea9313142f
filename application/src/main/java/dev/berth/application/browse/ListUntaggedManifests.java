package dev.berth.application.browse;

import dev.berth.application.port.ManifestStore;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.access.Action;
import dev.berth.domain.access.Caller;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.util.List;
import java.util.Optional;

/**
 * Use case: a page of a repository's untagged manifests, those that only their digest reaches (a
 * tag moved or deleted leaves its image behind, taking storage), so that an admin sees and deletes
 * them. Manifests an index lists are reached through the index, so they are not among them.
 */
@Dependent
public class ListUntaggedManifests {

    private final ManifestStore manifests;

    @Inject
    public ListUntaggedManifests(ManifestStore manifests) {
        this.manifests = manifests;
    }

    /**
     * @param limit at most {@value BrowseRepositories#MAX_PAGE} are returned
     * @throws dev.berth.domain.error.DeniedException when the caller may not pull from the repository
     */
    public List<UntaggedManifestSummary> page(Caller caller, RepositoryName repository, int offset, int limit) {
        BrowseAccess.require(caller, Action.PULL, repository);
        if (offset < 0 || limit < 0) {
            throw new IllegalArgumentException("offset and limit must not be negative");
        }
        if (limit == 0) {
            return List.of();
        }
        return manifests.untagged(repository, offset, Math.min(limit, BrowseRepositories.MAX_PAGE)).stream()
                .map(m -> new UntaggedManifestSummary(m.digest(), m.mediaType(), ArtifactTypes.of(m.artifactType()),
                        Optional.ofNullable(m.subject()), m.compressedSize(), m.pushedAt()))
                .toList();
    }

    /** @throws dev.berth.domain.error.DeniedException when the caller may not pull from the repository */
    public long count(Caller caller, RepositoryName repository) {
        BrowseAccess.require(caller, Action.PULL, repository);
        return manifests.countUntagged(repository);
    }
}
