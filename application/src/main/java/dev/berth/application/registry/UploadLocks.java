package dev.berth.application.registry;

import dev.berth.application.port.UploadSessionStore;
import dev.berth.domain.UploadId;
import dev.berth.domain.error.RangeInvalidException;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One writer per upload at a time, across nodes: a lease in the upload's session row. A second
 * request writing to the same upload while the first streams would rewrite bytes under the first
 * one's hash state (a blob could then be stored under a digest its bytes do not have); it is refused
 * at once instead of waiting. The lease expires after {@link #LEASE} if its node dies mid-chunk; a
 * chunk streaming longer than that can be overtaken, and then the compare-and-set on the session's
 * offset refuses one of the two.
 */
@Dependent
public class UploadLocks {

    static final Duration LEASE = Duration.ofMinutes(10);
    private static final Logger LOG = Logger.getLogger(UploadLocks.class.getName());

    private final UploadSessionStore sessions;
    private final Clock clock;

    @Inject
    public UploadLocks(UploadSessionStore sessions, Clock clock) {
        this.sessions = sessions;
        this.clock = clock;
    }

    <T> T exclusively(UploadId upload, Supplier<T> work) {
        // one holder per request: two requests on one node exclude each other as well
        String holder = UUID.randomUUID().toString();
        return switch (sessions.lease(upload, holder, clock.instant(), LEASE)) {
            case HELD -> throw new RangeInvalidException("another request is writing to this upload");
            // no such session: the work reads it and answers BLOB_UPLOAD_UNKNOWN
            case UNKNOWN -> work.get();
            case TAKEN -> {
                try {
                    yield work.get();
                } finally {
                    release(upload, holder);
                }
            }
        };
    }

    private void release(UploadId upload, String holder) {
        try {
            sessions.releaseLease(upload, holder);
        } catch (RuntimeException e) {
            // the lease expires by itself; the request's own outcome matters more
            LOG.log(Level.WARNING, "Releasing the lease on upload " + upload + " failed", e);
        }
    }
}
