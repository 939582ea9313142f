package dev.berth.deploy.runtime;

import dev.berth.adapters.http.Metrics;
import dev.berth.application.maintenance.PurgeAbandonedUploads;

import java.time.Duration;
import java.util.logging.Logger;

/**
 * Distribution's upload purging, on every node: each asks often whether a purge is due, and the one
 * that claims it in the database purges (once per {@code uploadpurging.interval} across the registry).
 * What went is logged and counted.
 */
final class UploadPurging implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(UploadPurging.class.getName());
    /** How often a node asks whether a purge is due: the interval, unless that is longer. */
    static final Duration MAX_POLL = Duration.ofMinutes(1);

    private static final String UPLOADS = "berth_upload_purge_uploads_total";
    private static final String UPLOADS_HELP = "Abandoned uploads removed by upload purging";
    private static final String BYTES = "berth_upload_purge_bytes_total";
    private static final String BYTES_HELP = "Bytes of abandoned uploads removed by upload purging";

    private final Schedule schedule = new Schedule("berth-upload-purge");

    UploadPurging(PurgeAbandonedUploads purge, Duration interval, Metrics metrics) {
        Duration poll = interval.compareTo(MAX_POLL) < 0 ? interval : MAX_POLL;
        // exported from the start, as zero until the first purge
        metrics.count(UPLOADS, UPLOADS_HELP, Metrics.Labels.of(), 0);
        metrics.count(BYTES, BYTES_HELP, Metrics.Labels.of(), 0);
        schedule.every(poll, poll, "Purging abandoned uploads", () -> purge.purgeIfDue().ifPresent(purged -> {
            LOG.info(() -> (purged.dryRun() ? "Upload purging (dry run) would remove " : "Upload purging removed ")
                    + purged.uploads() + " abandoned uploads, " + purged.bytes() + " bytes");
            if (!purged.dryRun()) {
                metrics.count(UPLOADS, UPLOADS_HELP, Metrics.Labels.of(), purged.uploads());
                metrics.count(BYTES, BYTES_HELP, Metrics.Labels.of(), purged.bytes());
            }
        }));
    }

    @Override
    public void close() {
        schedule.close();
    }
}
