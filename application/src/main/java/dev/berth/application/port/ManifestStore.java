package dev.berth.application.port;

import dev.berth.domain.Digest;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.Tag;

import dev.berth.domain.manifest.MediaType;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Port: manifests per repository, with what they reference, and the referrers index. */
public interface ManifestStore {

    /** Stores the manifest in the repository; idempotent for the same digest. */
    void put(RepositoryName repository, StoredManifest manifest);

    Optional<StoredManifest> get(RepositoryName repository, Digest digest);

    /** The manifest a tag points at, in one lookup. */
    Optional<StoredManifest> getTagged(RepositoryName repository, Tag tag);

    boolean exists(RepositoryName repository, Digest digest);

    /** Removes the manifest and every tag pointing at it; @return whether it existed. */
    boolean delete(RepositoryName repository, Digest digest);

    /** Whether some index in the repository lists this manifest as a child (it must not be deleted). */
    boolean isChildOfAnother(RepositoryName repository, Digest digest);

    /**
     * A page of the manifests in the repository whose subject is {@code subject}, optionally only
     * those of one artifact type: at most {@code limit}, in digest order, those after {@code after}
     * when given. Built from stored columns, never from payloads.
     */
    List<Referrer> referrers(RepositoryName repository, Digest subject, Optional<String> artifactType,
                             Optional<String> after, int limit);

    /** How many manifests in the repository have {@code subject} as their subject. */
    long countReferrers(RepositoryName repository, Digest subject);

    /**
     * The distinct blobs the manifest references, in their order in it, each with its size and
     * whether another manifest, in any repository, references it too; empty for an unknown manifest.
     */
    List<BlobUse> blobUses(RepositoryName repository, Digest manifest);

    /**
     * A page of the repository's manifests that no tag points at and no index of it lists (only their
     * digest reaches them), newest push first, ties by digest.
     */
    List<UntaggedManifest> untagged(RepositoryName repository, int offset, int limit);

    /** How many manifests {@link #untagged} would list. */
    long countUntagged(RepositoryName repository);

    /** The indexes of the repository that list the manifest, in digest order, at most {@code limit}. */
    List<Digest> indexesListing(RepositoryName repository, Digest child, int limit);

    /**
     * Indexes of the repository (OCI index, Docker manifest list) whose bytes contain the digest and
     * that do not list it as a child yet, in digest order, at most {@code limit}: a pull-through cache
     * stores an index before the images it lists, and records them as its children when they come.
     * The caller parses each to tell a listed image from a mere mention.
     */
    List<Digest> indexesNaming(RepositoryName repository, Digest child, int limit);

    /**
     * Records {@code child} as a child of the index, after the ones it has; nothing when it is one
     * already or either manifest is not in the repository.
     */
    void addChild(RepositoryName repository, Digest index, Digest child);

    /**
     * What a pull of each manifest transfers at most, as {@link TagStore.TaggedManifest#compressedSize};
     * manifests the repository does not have are left out.
     */
    Map<Digest, Long> pullSizes(RepositoryName repository, Collection<Digest> manifests);

    /**
     * What the repositories whose names start with {@code prefix} (empty: all) store: the distinct blobs
     * they link, each once, plus their manifests' payloads.
     */
    long storedBytes(String prefix);

    /**
     * Manifests of the repositories whose names start with {@code prefix} that no index lists, least
     * recently pulled first (one never pulled counts from when it was stored), ties by repository and
     * digest, at most {@code limit}.
     */
    List<PulledManifest> leastRecentlyPulled(String prefix, int limit);

    /** Records when manifests were pulled, in one batch (a later time wins); manifests that are gone are skipped. */
    void manifestsPulled(Map<ManifestRef, Instant> pulls);

    record ManifestRef(RepositoryName repository, Digest digest) {
    }

    /** @param lastPulled when it was last pulled, or stored when it never was */
    record PulledManifest(RepositoryName repository, Digest digest, Instant lastPulled) {
    }

    /** @param shared whether another manifest references the blob, so deleting this one frees nothing of it */
    record BlobUse(Digest digest, long size, boolean shared) {
    }

    /**
     * @param artifactType   as stored: the artifactType, else an image's config type, or null
     * @param subject        the manifest it refers to, or null
     * @param compressedSize as {@link TagStore.TaggedManifest#compressedSize}
     */
    record UntaggedManifest(Digest digest, MediaType mediaType, String artifactType, Digest subject,
                            long compressedSize, Instant pushedAt) {
    }
}
