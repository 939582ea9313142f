package dev.berth.application.port;

import dev.berth.domain.RepositoryName;
import dev.berth.domain.UploadId;

import java.time.Instant;
import java.util.Objects;

/**
 * A blob upload in progress: which repository it is for and how many bytes were accepted. Lives in
 * the metadata store, so that any node can continue it and a restart does not lose it.
 */
public record UploadSession(UploadId id, RepositoryName repository, long offset, Instant startedAt,
                            Instant updatedAt) {

    public UploadSession {
        Objects.requireNonNull(id);
        Objects.requireNonNull(repository);
        Objects.requireNonNull(startedAt);
        Objects.requireNonNull(updatedAt);
        if (offset < 0) {
            throw new IllegalArgumentException("offset must not be negative");
        }
    }

    public UploadSession advancedTo(long newOffset, Instant now) {
        return new UploadSession(id, repository, newOffset, startedAt, now);
    }
}
