package dev.berth.application.port;

import dev.berth.domain.Digest;
import dev.berth.domain.RepositoryName;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Port: the review queues of online garbage collection and the decisions taken on them. Whatever
 * may have left a blob or manifest unreferenced (a deleted or overwritten manifest, a deleted tag or
 * repository, an unlinked blob, and every new link or push, so that the delay counts from the last
 * use) queues it in the transaction of the change. Each decision is taken under a lock on the row
 * decided about, so that a push referencing it at the same moment either keeps it or fails cleanly.
 * See {@code deploy/docs/garbage-collection.md} for the protocol.
 */
public interface GarbageCollectionStore {

    /** Queued blobs due for review (queued at or before {@code dueBefore}), in digest order after {@code after}. */
    List<Digest> dueBlobs(Instant dueBefore, Optional<Digest> after, int limit);

    /** Queued manifests due for review, in (repository, digest) order after {@code after}. */
    List<QueuedManifest> dueManifests(Instant dueBefore, Optional<QueuedManifest> after, int limit);

    record QueuedManifest(RepositoryName repository, Digest digest) {
    }

    /**
     * Reviews a due blob under a lock on its row: unless a manifest references it, its links and row
     * go and its bytes are condemned ({@link #pendingDeletions}). The entry leaves the queue either way;
     * an entry queued again since {@code dueBefore} is left alone ({@link Verdict#NOT_DUE}).
     *
     * @param dryRun decide without changing anything
     */
    BlobVerdict reviewBlob(Digest digest, Instant dueBefore, boolean dryRun);

    record BlobVerdict(Verdict verdict, long size, String reason) {
    }

    enum Verdict { NOT_DUE, GONE, KEPT, COLLECTED }

    /**
     * Reviews a due manifest under a lock on its row: when no tag names it, no index lists it and it
     * is no referrer of a manifest that is kept, it is deleted if {@code deleteUntagged}, its layers,
     * children and referrers queued in turn; else its entry stays for a run that deletes untagged
     * manifests ({@link Verdict#NOT_DUE}). Entries of manifests that are kept or gone leave the queue.
     */
    Verdict reviewManifest(QueuedManifest manifest, Instant dueBefore, boolean deleteUntagged, boolean dryRun);

    /** Condemned content whose bytes are still to delete (also after a crash mid-run), oldest first. */
    List<Condemned> pendingDeletions(int limit);

    record Condemned(Digest digest, long size, String reason) {
    }

    /**
     * Deletes condemned content's bytes under the digest's deletion lock, which an upload completing
     * for the same digest holds while it records the blob ({@link #guardRecreation}): when the blob was
     * recorded again meanwhile, the bytes are kept and the deletion is dropped.
     *
     * @return whether the bytes were deleted
     */
    boolean deleteContent(Digest digest, ContentDeleter deleter) throws IOException;

    @FunctionalInterface
    interface ContentDeleter {
        void delete(Digest digest) throws IOException;
    }

    /**
     * Called in the transaction that records a blob, before recording it: holds the digest's deletion
     * lock until that transaction ends and tells whether garbage collection deleted this content's
     * bytes recently, in which case the caller must check that storage still holds them.
     */
    boolean guardRecreation(Digest digest);

    /** Of {@code digests} (found in storage), those no blob row records and no deletion is pending for. */
    List<Digest> unrecorded(List<Digest> digests);

    /**
     * Notes content found in storage without a blob row at {@code now}.
     *
     * @return those of them first noted at or before {@code firstSeenBefore}
     */
    List<Digest> noteOrphans(List<Digest> digests, Instant now, Instant firstSeenBefore);

    /** Forgets orphan candidates not noted since {@code before} (recorded or gone meanwhile). */
    void forgetOrphansNotSeenSince(Instant before);

    /** The reason {@link #condemnOrphan} gives. */
    String ORPHAN_REASON = "orphan: in storage without a blob row for longer than the grace period";

    /** Condemns content no blob row records, of {@code size} bytes; false when a row records it now. */
    boolean condemnOrphan(Digest digest, long size);

    /** Forgets deletions whose bytes went before {@code before}. */
    void pruneDeletions(Instant before);

    /** Queue lengths and the oldest entry's time. */
    QueueStatus queueStatus();

    record QueueStatus(long blobs, long manifests, long pendingDeletions, Optional<Instant> oldest) {
    }

    /** Takes or renews the collector's lease for {@code holder}; false while another holder has it. */
    boolean tryLease(String holder, Instant now, Duration length);

    void releaseLease(String holder);

    void recordRun(Run run);

    Optional<Run> lastRun();

    /** One collection run, as it ended. */
    record Run(Instant startedAt, Instant finishedAt, String startedBy, boolean dryRun, long blobsReviewed,
               long blobsFreed, long bytesFreed, long manifestsFreed, long orphansFreed, long orphanBytes,
               Optional<String> skipped) {
    }
}
