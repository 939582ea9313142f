package dev.berth.deploy.runtime;

import dev.berth.application.retention.ExpiredTag;
import dev.berth.application.retention.RunScheduledRetention;

import java.time.Duration;
import java.util.List;
import java.util.logging.Logger;

/**
 * Asks on every node, a few times per interval, whether the retention run is due; the database lets
 * exactly one node claim each interval's run (see {@link RunScheduledRetention}).
 */
final class RetentionWorker implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RetentionWorker.class.getName());
    /** How late a run may start after it is due. */
    static final Duration LATEST = Duration.ofMinutes(5);

    private final Schedule schedule = new Schedule("berth-retention");

    RetentionWorker(RunScheduledRetention retention, Duration interval) {
        Duration ask = interval.compareTo(LATEST) < 0 ? interval : LATEST;
        schedule.every(ask, ask, "Running the retention policies", () -> retention.runIfDue().ifPresent(
                RetentionWorker::report));
    }

    private static void report(List<ExpiredTag> deleted) {
        long manifests = deleted.stream().filter(ExpiredTag::manifestToo).count();
        LOG.info(() -> "Retention policies deleted " + deleted.size() + " tags and " + manifests
                + " manifests; garbage collection frees their bytes");
    }

    @Override
    public void close() {
        schedule.close();
    }
}
