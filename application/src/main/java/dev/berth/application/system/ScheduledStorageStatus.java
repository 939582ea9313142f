package dev.berth.application.system;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The storage's health as of its last probe. The probe (a real write through the driver, see
 * {@link BlobStoreStatus}) runs on a schedule of the composition root, never per request: a write
 * and a delete per health request would be a billed PUT and DELETE on S3, GCS or Azure for every
 * probe from anyone. A probe that stopped coming (hung on a dead store) counts as a failure after
 * {@link #STALE_AFTER} intervals, so readiness turns red within a bounded time whatever happens.
 */
public final class ScheduledStorageStatus implements StorageStatus {

    static final int STALE_AFTER = 3;

    private final StorageStatus probe;
    private final Duration interval;
    private final Clock clock;
    private volatile Probed last;

    private record Probed(StorageReport report, Instant at) {
    }

    /**
     * @param probe    the real check, run by {@link #probe()} only
     * @param interval how often the composition root calls {@link #probe()}
     */
    public ScheduledStorageStatus(StorageStatus probe, Duration interval, Clock clock) {
        this.probe = probe;
        this.interval = interval;
        this.clock = clock;
    }

    public Duration interval() {
        return interval;
    }

    /** Runs the real check now and keeps its result for {@link #report()}. */
    public StorageReport probe() {
        StorageReport report = probe.report();
        last = new Probed(report, clock.instant());
        return report;
    }

    @Override
    public StorageReport report() {
        Probed probed = last;
        if (probed == null) {
            return new StorageReport("unknown", "unknown", false, "the storage has not been probed yet");
        }
        Instant stale = probed.at().plus(interval.multipliedBy(STALE_AFTER));
        if (clock.instant().isAfter(stale)) {
            StorageReport r = probed.report();
            return new StorageReport(r.driver(), r.location(), false, "no storage probe has completed since "
                    + probed.at() + " (the last write may hang)");
        }
        return probed.report();
    }
}
