package dev.berth.application.port;

import dev.berth.domain.RepositoryName;
import dev.berth.domain.UploadId;

import java.time.Instant;
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
}
