package dev.berth.application.registry;

import dev.berth.application.event.RegistryEvents;
import dev.berth.application.port.BlobLinkStore;
import dev.berth.application.port.BlobStore;
import dev.berth.application.port.GarbageCollectionStore;
import dev.berth.application.port.Transactions;
import dev.berth.application.port.UploadSession;
import dev.berth.application.usage.QuotaGuard;
import dev.berth.domain.Digest;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.UploadId;
import dev.berth.domain.error.BlobUnknownException;
import dev.berth.domain.error.DeniedException;
import dev.berth.domain.error.DigestInvalidException;
import dev.berth.domain.error.UnavailableException;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.io.IOException;
import java.io.InputStream;
import java.util.OptionalLong;

/**
 * Use case: finish an upload (PUT with ?digest=), with an optional last chunk. The bytes become
 * content only if their digest is the one the client named; then, and only then, the blob appears
 * in the metadata, linked to the repository. The digest checked is that of the bytes the store holds
 * at commit time, not of the bytes this node sent: the upload's lease can expire under a slow chunk,
 * and another node may then have written to the upload behind this one's back.
 */
@Dependent
public class CompleteBlobUpload {

    private final UploadWriter writer;
    private final BlobStore blobs;
    private final BlobLinkStore links;
    private final Transactions transactions;
    private final RegistryEvents events;
    private final GarbageCollectionStore collector;
    private final QuotaGuard quotas;

    @Inject
    public CompleteBlobUpload(UploadWriter writer, BlobStore blobs, BlobLinkStore links, Transactions transactions,
                              RegistryEvents events, GarbageCollectionStore collector, QuotaGuard quotas) {
        this.writer = writer;
        this.blobs = blobs;
        this.links = links;
        this.transactions = transactions;
        this.events = events;
        this.collector = collector;
        this.quotas = quotas;
    }

    /**
     * @param lastChunk    bytes sent with the PUT (may be empty)
     * @param rangeStart   Content-Range start of the last chunk, if sent
     * @param declaredSize length of the last chunk, if known
     * @param user         who asks (empty: anonymous); only who started the upload may complete it
     * @return the stored blob's size
     */
    public long complete(RepositoryName repository, UploadId upload, String user, Digest expected,
                         OptionalLong rangeStart, OptionalLong declaredSize, InputStream lastChunk) {
        return writer.exclusively(upload, () -> completeExclusively(repository, upload, user, expected, rangeStart,
                declaredSize, lastChunk));
    }

    private long completeExclusively(RepositoryName repository, UploadId upload, String user, Digest expected,
                                     OptionalLong rangeStart, OptionalLong declaredSize, InputStream lastChunk) {
        UploadSession session = writer.session(repository, upload, user);
        if (declaredSize.orElse(-1) != 0) {
            session = writer.append(session, rangeStart, declaredSize, lastChunk);
        }
        UploadWriter.StoredDigest stored = writer.storedDigest(session, expected.algorithm());
        if (!stored.digest().equals(expected)) {
            writer.discard(upload);
            throw new DigestInvalidException("the uploaded content has digest " + stored.digest() + ", not "
                    + expected);
        }
        long size = stored.size();
        boolean recorded;
        if (quotas.limits(repository)) {
            // checked under the namespace's lock, and committed to storage only once admitted: a refused
            // push leaves neither a blob nor its upload's bytes behind
            try {
                recorded = transactions.inTransaction(() -> {
                    quotas.admitBlob(repository, expected, size);
                    commit(upload, expected);
                    return keep(repository, upload, expected, size);
                });
            } catch (DeniedException e) {
                writer.discard(upload);
                throw e;
            }
        } else {
            commit(upload, expected);
            recorded = transactions.inTransaction(() -> keep(repository, upload, expected, size));
        }
        if (!recorded) {
            writer.discard(upload);
            throw new BlobUnknownException(expected + ": garbage collection deleted this content while the upload"
                    + " completed; upload it again");
        }
        return size;
    }

    private void commit(UploadId upload, Digest expected) {
        try {
            blobs.commitUpload(upload, expected);
        } catch (IOException e) {
            throw new UnavailableException("storage commit failed", e);
        }
    }

    /** False when garbage collection may have deleted the content that this commit found already stored. */
    private boolean keep(RepositoryName repository, UploadId upload, Digest digest, long size) {
        // commitUpload discards the upload when the content exists: garbage collection may have
        // deleted those very bytes since. Under the guard no deletion of this digest runs, and a
        // recent one means storage must be asked (deploy/docs/garbage-collection.md)
        if (collector.guardRecreation(digest) && !stored(digest)) {
            return false;
        }
        links.recordAndLink(repository, digest, size);
        writer.discard(upload);
        events.blobPushed(repository, digest, size);
        return true;
    }

    private boolean stored(Digest digest) {
        try {
            return blobs.size(digest).isPresent();
        } catch (IOException e) {
            throw new UnavailableException("storage could not be read", e);
        }
    }
}
