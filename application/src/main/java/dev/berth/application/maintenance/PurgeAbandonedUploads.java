package dev.berth.application.maintenance;

import dev.berth.application.port.BlobStore;
import dev.berth.application.port.MaintenanceStore;
import dev.berth.application.port.UploadSession;
import dev.berth.application.port.UploadSessionStore;
import dev.berth.domain.UploadId;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Use case: Distribution's upload purging. Uploads untouched for {@code storage.maintenance.uploadpurging.age}
 * are abandoned: their session rows go first (so that a late client gets {@code BLOB_UPLOAD_UNKNOWN},
 * never a session without bytes), then their bytes, then bytes in storage that old whose session is
 * gone (a crash between the two, or a session cancelled while its bytes were written). One node of
 * the registry runs it per interval; in read-only mode nothing is removed.
 */
@Dependent
public class PurgeAbandonedUploads {

    static final String JOB = "upload-purge";
    private static final int BATCH = 500;

    private final UploadSessionStore sessions;
    private final BlobStore blobs;
    private final MaintenanceStore store;
    private final MaintenanceMode mode;
    private final MaintenanceSettings settings;
    private final Clock clock;

    @Inject
    public PurgeAbandonedUploads(UploadSessionStore sessions, BlobStore blobs, MaintenanceStore store,
                                 MaintenanceMode mode, MaintenanceSettings settings, Clock clock) {
        this.sessions = sessions;
        this.blobs = blobs;
        this.store = store;
        this.mode = mode;
        this.settings = settings;
        this.clock = clock;
    }

    /** What a purge removed, or would remove in a dry run. */
    public record Purged(int uploads, long bytes, boolean dryRun) {
    }

    /**
     * Purges when it is due and this node claims the run.
     *
     * @return what was purged; empty when purging is disabled, the registry is read-only, or another
     *         node (or an earlier run) purged within the interval
     */
    public Optional<Purged> purgeIfDue() {
        if (!settings.purgeUploads() || mode.readOnly()) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        if (!store.claimRun(JOB, now, settings.purgeInterval())) {
            return Optional.empty();
        }
        return Optional.of(purge(now.minus(settings.purgeAge()), settings.purgeDryRun()));
    }

    private Purged purge(Instant cutoff, boolean dryRun) {
        try {
            Set<UploadId> handled = new HashSet<>();
            int uploads = 0;
            long bytes = 0;
            Optional<UploadId> after = Optional.empty();
            List<UploadSession> batch;
            do {
                batch = sessions.updatedBefore(cutoff, after, BATCH);
                for (UploadSession session : batch) {
                    handled.add(session.id());
                    long size = blobs.uploadSize(session.id());
                    if (!dryRun) {
                        // a client that came back between the listing and now keeps its upload
                        if (!sessions.deleteIfUpdatedBefore(session.id(), cutoff)) {
                            continue;
                        }
                        blobs.deleteUpload(session.id());
                    }
                    uploads++;
                    bytes += size;
                }
                after = batch.isEmpty() ? after : Optional.of(batch.getLast().id());
            } while (batch.size() == BATCH);
            try (Stream<BlobStore.StoredUpload> stored = blobs.listUploads()) {
                for (BlobStore.StoredUpload orphan : stored
                        .filter(u -> u.lastModified().isBefore(cutoff) && !handled.contains(u.upload())).toList()) {
                    if (sessions.exists(orphan.upload())) {
                        continue;
                    }
                    if (!dryRun) {
                        blobs.deleteUpload(orphan.upload());
                    }
                    uploads++;
                    bytes += orphan.size();
                }
            }
            return new Purged(uploads, bytes, dryRun);
        } catch (IOException e) {
            throw new UncheckedIOException("purging abandoned uploads failed", e);
        }
    }
}
