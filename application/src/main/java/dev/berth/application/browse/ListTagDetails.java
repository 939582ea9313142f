package dev.berth.application.browse;

import dev.berth.application.port.TagStore;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.access.Action;
import dev.berth.domain.access.Caller;
import dev.berth.domain.manifest.Descriptor;
import dev.berth.domain.manifest.ImageIndex;
import dev.berth.domain.manifest.ManifestParser;
import dev.berth.domain.manifest.MediaType;
import dev.berth.domain.manifest.Platform;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/** Use case: a page of a repository's tags with what each points at, for the admin UI's tag grid. */
@Dependent
public class ListTagDetails {

    /**
     * An index's bytes are read for its platforms only up to this size (some 40 platforms with their
     * attestations), so a page of {@value BrowseRepositories#MAX_PAGE} rows holds at most 16 MiB of
     * payloads, not 500 indexes of 4 MiB; a larger index is listed without its platforms.
     */
    static final int MAX_INDEX_PAYLOAD_BYTES = 32 * 1024;

    private final TagStore tags;

    @Inject
    public ListTagDetails(TagStore tags) {
        this.tags = tags;
    }

    /**
     * @param nameContains part of the tag, ignoring case; "" or null for all
     * @param sort         null means {@link TagSort#NAME}
     * @param limit        at most {@value BrowseRepositories#MAX_PAGE} are returned
     * @throws dev.berth.domain.error.DeniedException when the caller may not pull from the repository
     */
    public List<TagSummary> page(Caller caller, RepositoryName repository, String nameContains, TagSort sort,
                                 boolean descending, int offset, int limit) {
        BrowseAccess.require(caller, Action.PULL, repository);
        if (offset < 0 || limit < 0) {
            throw new IllegalArgumentException("offset and limit must not be negative");
        }
        if (limit == 0) {
            return List.of();
        }
        return tags.details(repository, search(nameContains), sort == null ? TagSort.NAME : sort, descending, offset,
                        Math.min(limit, BrowseRepositories.MAX_PAGE), MAX_INDEX_PAYLOAD_BYTES).stream()
                .map(t -> new TagSummary(t.tag(), t.digest(), t.mediaType(), ArtifactTypes.of(t.artifactType()),
                        t.indexPayload().map(payload -> platforms(payload, t.mediaType())).orElse(List.of()),
                        t.compressedSize(), t.taggedAt()))
                .toList();
    }

    /** @throws dev.berth.domain.error.DeniedException when the caller may not pull from the repository */
    public long count(Caller caller, RepositoryName repository, String nameContains) {
        BrowseAccess.require(caller, Action.PULL, repository);
        return tags.count(repository, search(nameContains));
    }

    private static String search(String nameContains) {
        return nameContains == null ? "" : nameContains.strip().toLowerCase(Locale.ROOT);
    }

    /**
     * The platforms of an index's images. Entries without a platform and BuildKit's attestation
     * manifests (unknown/unknown) run nowhere, so they are no platform of the image.
     */
    static List<Platform> platforms(byte[] indexPayload, MediaType mediaType) {
        if (!(ManifestParser.parse(indexPayload, mediaType) instanceof ImageIndex index)) {
            return List.of();
        }
        return index.manifests().stream()
                .map(Descriptor::platform)
                .filter(Objects::nonNull)
                .filter(p -> !("unknown".equals(p.os()) && "unknown".equals(p.architecture())))
                .toList();
    }
}
