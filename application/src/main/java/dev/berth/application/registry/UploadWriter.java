package dev.berth.application.registry;

import dev.berth.application.maintenance.MaintenanceMode;
import dev.berth.application.port.BlobStore;
import dev.berth.application.port.StorageFullException;
import dev.berth.application.port.UploadSession;
import dev.berth.application.port.UploadSessionStore;
import dev.berth.domain.Digest;
import dev.berth.domain.DigestAlgorithm;
import dev.berth.domain.Digester;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.UploadId;
import dev.berth.domain.error.BlobUploadInvalidException;
import dev.berth.domain.error.BlobUploadUnknownException;
import dev.berth.domain.error.RangeInvalidException;
import dev.berth.domain.error.UnavailableException;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.OptionalLong;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Appends bytes to an upload while hashing them, and keeps the session's offset honest. Shared by
 * the chunk, completion and monolithic upload use cases.
 */
@Dependent
public class UploadWriter {

    private static final Logger LOG = Logger.getLogger(UploadWriter.class.getName());
    private static final DigestAlgorithm STREAMING_ALGORITHM = DigestAlgorithm.SHA256;
    /** The error detail a client sees when the storage volume is full. */
    static final String NO_SPACE = "no space left on the storage volume; the upload was discarded, start it again";

    private final UploadSessionStore sessions;
    private final BlobStore blobs;
    private final UploadHashStates hashStates;
    private final UploadLocks locks;
    private final Clock clock;
    private final MaintenanceMode mode;

    @Inject
    public UploadWriter(UploadSessionStore sessions, BlobStore blobs, UploadHashStates hashStates, UploadLocks locks,
                        Clock clock, MaintenanceMode mode) {
        this.mode = mode;
        this.sessions = sessions;
        this.blobs = blobs;
        this.hashStates = hashStates;
        this.locks = locks;
        this.clock = clock;
    }

    /**
     * Runs {@code work} as the upload's only writer; the session is read inside, never before.
     *
     * @throws dev.berth.domain.error.UnsupportedException in read-only mode
     */
    <T> T exclusively(UploadId upload, Supplier<T> work) {
        mode.requireWritable();
        return locks.exclusively(upload, work);
    }

    /** Unknown also to anybody but who started it: another user learns not even that it exists. */
    UploadSession session(RepositoryName repository, UploadId upload, String user) {
        return sessions.find(repository, upload).filter(session -> session.belongsTo(user))
                .orElseThrow(() -> new BlobUploadUnknownException(upload.toString()));
    }

    /**
     * Writes {@code data} at the session's offset. Call only inside {@link #exclusively}, with a
     * session read there.
     *
     * @param rangeStart   where the client says the chunk starts (Content-Range), if it said
     * @param declaredSize how many bytes the client says it sends (Content-Length / range), if it said
     */
    UploadSession append(UploadSession session, OptionalLong rangeStart, OptionalLong declaredSize, InputStream data) {
        if (rangeStart.isPresent() && rangeStart.getAsLong() != session.offset()) {
            throw new RangeInvalidException("chunk starts at " + rangeStart.getAsLong()
                    + " but the upload has " + session.offset() + " bytes");
        }
        Digester digester = digesterAt(session, STREAMING_ALGORITHM);
        long size;
        try {
            size = blobs.writeUpload(session.id(), session.offset(), new HashingInputStream(data, digester));
        } catch (IllegalStateException e) {
            throw new RangeInvalidException("the stored upload is shorter than its session says");
        } catch (StorageFullException e) {
            // its bytes would otherwise fill the volume until a purge, failing the next pushes too
            discard(session.id());
            LOG.severe(() -> e.getMessage() + ": discarded upload " + session.id() + " of " + session.repository()
                    + " with its " + session.offset() + " stored bytes");
            throw new UnavailableException(NO_SPACE, e);
        } catch (IOException e) {
            throw new UnavailableException("storage write failed", e);
        }
        long written = size - session.offset();
        if (declaredSize.isPresent() && declaredSize.getAsLong() != written) {
            // the tail past the session's offset is replaced by the client's retry
            throw new BlobUploadInvalidException("declared " + declaredSize.getAsLong() + " bytes, received " + written);
        }
        UploadSession advanced = session.advancedTo(size, clock.instant());
        if (!sessions.advance(advanced, session.offset())) {
            // Another node advanced the session while this one wrote: the stored bytes past the old offset
            // may now be this chunk's, not the ones the other node hashed. Releasing them makes that node's
            // next write or completion fail instead of committing bytes its digest was never checked over.
            release(session.id());
            throw new RangeInvalidException("another request wrote to this upload at the same time");
        }
        hashStates.put(session.id(), size, digester);
        return advanced;
    }

    /**
     * A digester that has seen exactly the session's bytes: the cached one, or a new one fed from
     * storage (after a restart, on another node, or for a sha512 digest).
     */
    private Digester digesterAt(UploadSession session, DigestAlgorithm algorithm) {
        Digester cached = hashStates.take(session.id(), session.offset());
        if (cached != null && cached.algorithm() == algorithm) {
            return cached;
        }
        Digester digester = algorithm.newDigester();
        if (session.offset() == 0) {
            return digester;
        }
        try (InputStream stored = blobs.readUpload(session.id(), 0)) {
            byte[] buffer = new byte[1 << 20];
            long remaining = session.offset();
            while (remaining > 0) {
                int n = stored.read(buffer, 0, (int) Math.min(buffer.length, remaining));
                if (n < 0) {
                    throw new RangeInvalidException("the stored upload is shorter than its session says");
                }
                digester.update(buffer, 0, n);
                remaining -= n;
            }
            return digester;
        } catch (IOException e) {
            throw new UnavailableException("storage read failed", e);
        }
    }

    /**
     * The digest and size of the bytes the store holds for the upload now: what a commit would make
     * visible. A tail past the session's offset (a chunk that failed half-way) is cut off first: it
     * must not be committed with the rest. The cached hash state answers only when it has seen
     * exactly the stored bytes, i.e. the stored upload has the size the state was taken at (the
     * normal path: one size lookup, no second pass). Else (another node wrote behind this one's back,
     * a restart, a sha512 digest) every stored byte is hashed again, however many there are.
     */
    StoredDigest storedDigest(UploadSession session, DigestAlgorithm algorithm) {
        try {
            long stored = blobs.uploadSize(session.id());
            if (stored > session.offset()) {
                hashStates.forget(session.id());
                stored = blobs.writeUpload(session.id(), session.offset(), InputStream.nullInputStream());
            }
            Digester cached = hashStates.take(session.id(), session.offset());
            if (cached != null && cached.algorithm() == algorithm && stored == session.offset()) {
                return new StoredDigest(cached.finish(), stored);
            }
            Digester digester = algorithm.newDigester();
            long hashed = 0;
            try (InputStream in = blobs.readUpload(session.id(), 0)) {
                byte[] buffer = new byte[1 << 20];
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    digester.update(buffer, 0, n);
                    hashed += n;
                }
            }
            return new StoredDigest(digester.finish(), hashed);
        } catch (IllegalStateException e) {
            // the upload shrank between the size lookup and the cut: another node is writing to it
            throw new RangeInvalidException("another request wrote to this upload at the same time");
        } catch (IOException e) {
            throw new UnavailableException("storage read failed", e);
        }
    }

    /** @param size how many bytes the digest is over */
    record StoredDigest(Digest digest, long size) {
    }

    /** Removes the session and its bytes. */
    void discard(UploadId upload) {
        sessions.delete(upload);
        release(upload);
    }

    /** Removes the upload's bytes and hash state, not its session. */
    private void release(UploadId upload) {
        hashStates.forget(upload);
        try {
            blobs.deleteUpload(upload);
        } catch (IOException e) {
            // nothing commits them without a matching digest; the sweep of abandoned uploads removes them
        }
    }
}
