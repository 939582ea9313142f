package dev.berth.application.port;

import dev.berth.domain.RepositoryName;
import dev.berth.domain.UploadId;

import java.time.Instant;
import java.util.Objects;

/**
 * A blob upload in progress: which repository it is for, who started it and how many bytes were
 * accepted. Lives in the metadata store, so that any node can continue it and a restart does not lose it.
 *
 * @param startedBy the user who started it, the only one who may continue, read or cancel it;
 *                  empty when anybody with push may (started anonymously in open mode)
 */
public record UploadSession(UploadId id, RepositoryName repository, String startedBy, long offset, Instant startedAt,
                            Instant updatedAt) {

    public UploadSession {
        Objects.requireNonNull(id);
        Objects.requireNonNull(repository);
        Objects.requireNonNull(startedBy);
        Objects.requireNonNull(startedAt);
        Objects.requireNonNull(updatedAt);
        if (offset < 0) {
            throw new IllegalArgumentException("offset must not be negative");
        }
    }

    public UploadSession advancedTo(long newOffset, Instant now) {
        return new UploadSession(id, repository, startedBy, newOffset, startedAt, now);
    }

    /** Whether {@code user} (empty: anonymous) may continue, read or cancel this upload. */
    public boolean belongsTo(String user) {
        return startedBy.isEmpty() || startedBy.equals(user);
    }
}
