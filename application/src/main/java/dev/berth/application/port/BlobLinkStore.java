package dev.berth.application.port;

import dev.berth.domain.Digest;
import dev.berth.domain.RepositoryName;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Port: blobs known to the registry (global, deduplicated by digest) and which repository may see
 * which blob. A repository only serves, mounts and references blobs linked to it.
 */
public interface BlobLinkStore {

    /**
     * Records stored content and its size; idempotent. Call only after the bytes are committed. Clears
     * a {@linkplain #markMissing missing} mark: the content is in storage again.
     */
    void recordBlob(Digest digest, long size);

    /** The size of content the registry has stored, in any repository; empty when marked missing. */
    OptionalLong blobSize(Digest digest);

    /**
     * Recorded blobs in digest order after {@code after}, at most {@code limit}: all of them, a page at
     * a time, those marked missing included.
     */
    List<StoredBlob> blobsAfter(Optional<Digest> after, int limit);

    /** @param markedMissing whether {@link #markMissing} set it apart (until the content is recorded again) */
    record StoredBlob(Digest digest, long size, boolean markedMissing) {
    }

    /**
     * The content of a recorded blob is gone from storage ({@code check --repair}): until it is
     * {@linkplain #recordBlob recorded} again, the blob counts as unknown to every repository, so
     * clients push it again instead of being told it exists. Its links and the manifests that
     * reference it stay. No-op when the blob is not recorded.
     */
    void markMissing(Digest digest);

    /** Links a recorded blob to a repository (creating the repository if needed); idempotent. */
    void link(RepositoryName repository, Digest digest);

    /**
     * {@link #recordBlob} then {@link #link}, the repository locked before the blob as every writer of
     * both locks them, so that an upload completing does not deadlock with a push or a garbage
     * collection touching the same repository and blob.
     */
    default void recordAndLink(RepositoryName repository, Digest digest, long size) {
        recordBlob(digest, size);
        link(repository, digest);
    }

    /** The blob's size when it is linked to the repository (and not marked missing), else empty. */
    OptionalLong linkedSize(RepositoryName repository, Digest digest);

    /** @return whether a link was removed */
    boolean unlink(RepositoryName repository, Digest digest);

    /** The blobs linked to the repository, and of those the ones linked to another repository too. */
    LinkUsage usage(RepositoryName repository);

    record LinkUsage(long blobs, long bytes, long sharedBlobs, long sharedBytes) {
    }
}
