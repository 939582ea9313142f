package dev.berth.application.port;

import dev.berth.domain.RepositoryName;
import dev.berth.domain.UploadId;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Port: upload sessions in the metadata store. */
public interface UploadSessionStore {

    void create(UploadSession session);

    /** The session, only if it belongs to {@code repository}. */
    Optional<UploadSession> find(RepositoryName repository, UploadId id);

    /**
     * Moves the session's offset from {@code expectedOffset} to {@code session.offset()}.
     *
     * @return false when another request moved it first (the caller reports a range conflict)
     */
    boolean advance(UploadSession session, long expectedOffset);

    /** How many uploads {@code user} started that moved at or after {@code since}: those still in progress. */
    int countActive(String user, Instant since);

    /** @return whether the session existed */
    boolean delete(UploadId id);

    /** Sessions last moved before {@code cutoff}, by id after {@code after}, at most {@code limit}: abandoned ones. */
    List<UploadSession> updatedBefore(Instant cutoff, Optional<UploadId> after, int limit);

    /** Deletes the session only if it has not moved since {@code cutoff}. @return whether it did */
    boolean deleteIfUpdatedBefore(UploadId id, Instant cutoff);

    /** Whether a session with this id exists, in any repository. */
    boolean exists(UploadId id);

    /** What {@link #lease} found. */
    enum Lease {
        /** The lease is the holder's until it releases it or it expires. */
        TAKEN,
        /** Another holder's lease has not expired yet. */
        HELD,
        /** No session with this id. */
        UNKNOWN
    }

    /**
     * Takes the session's writer lease for {@code holder} until {@code now + length}, unless another
     * holder's lease is still valid at {@code now}: one writer per upload across nodes. The session's
     * offset and update time do not change.
     */
    Lease lease(UploadId id, String holder, Instant now, Duration length);

    /** Gives the lease back if {@code holder} still has it. */
    void releaseLease(UploadId id, String holder);
}
