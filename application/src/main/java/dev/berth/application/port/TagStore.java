package dev.berth.application.port;

import dev.berth.application.browse.TagSort;
import dev.berth.domain.Digest;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.Tag;
import dev.berth.domain.manifest.MediaType;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Port: tags, each pointing at one manifest of its repository. */
public interface TagStore {

    /** Points the tag at the manifest (moving it if it pointed elsewhere). */
    void tag(RepositoryName repository, Tag tag, Digest manifest);

    Optional<Digest> resolve(RepositoryName repository, Tag tag);

    /**
     * Up to {@code limit} tags of the repository in lexical (byte) order, strictly after
     * {@code after} when present. Cost is O(limit).
     */
    List<Tag> list(RepositoryName repository, Optional<String> after, int limit);

    /** @return whether the tag existed */
    boolean untag(RepositoryName repository, Tag tag);

    /**
     * Up to {@code limit} tags of the repository whose name contains {@code nameContains} (ignoring
     * case; "" for all), skipping {@code offset}, with what they point at. Ties in the push time are
     * ordered by name in the same direction.
     *
     * @param maxIndexPayloadBytes an index's bytes come with its row only up to this size, so a page
     *                             never holds more than {@code limit} times this many payload bytes
     */
    List<TaggedManifest> details(RepositoryName repository, String nameContains, TagSort sort, boolean descending,
                                 int offset, int limit, int maxIndexPayloadBytes);

    /** How many tags of the repository {@link #details} would list. */
    long count(RepositoryName repository, String nameContains);

    /** The tags pointing at the manifest, in byte order. */
    List<Tag> tagsOf(RepositoryName repository, Digest manifest);

    /**
     * A tag with its manifest.
     *
     * @param artifactType   as stored: the artifactType, else an image's config type, or null
     * @param compressedSize the manifest plus its distinct blobs; for an index, plus the manifests it
     *                       lists and their distinct blobs
     * @param taggedAt       when the tag was last set
     * @param indexPayload   the manifest's bytes when it is an index (its images' platforms are in
     *                       them) no larger than the bound asked for, else empty
     */
    record TaggedManifest(Tag tag, Digest digest, MediaType mediaType, String artifactType, long compressedSize,
                          Instant taggedAt, Optional<byte[]> indexPayload) {
    }
}
