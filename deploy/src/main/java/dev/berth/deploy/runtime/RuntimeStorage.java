package dev.berth.deploy.runtime;

import dev.berth.adapters.http.Metrics;
import dev.berth.application.port.BlobStore;
import dev.berth.application.system.BlobStoreStatus;
import dev.berth.application.system.ScheduledStorageStatus;
import dev.berth.application.system.StorageStatus;
import dev.berth.deploy.config.BerthConfig;

import java.time.Clock;

/** Start-up area "storage": the blob store driver, opened first and proven writable. */
final class RuntimeStorage {

    private BlobStore blobStore;
    private Metrics metrics;
    private volatile ScheduledStorageStatus status;

    /** Opens the configured driver and probes it once: a registry that cannot store must say so now. */
    StorageStatus.StorageReport open(BerthConfig config, Metrics metrics, Clock clock) {
        this.metrics = metrics;
        blobStore = BlobStores.open(config.storage().driver(), clock);
        // probed here and then on a schedule: health requests read the last result, never write themselves
        status = new ScheduledStorageStatus(new BlobStoreStatus(new MeteredBlobStore(blobStore, metrics)),
                Housekeeping.STORAGE_PROBE, clock);
        StorageStatus.StorageReport storage = status.probe();
        if (!storage.writable()) {
            // a registry that cannot store what it is sent must say so now, not on the first push
            throw new IllegalStateException("storage " + storage.driver() + " at " + storage.location()
                    + " does not accept writes: " + storage.problem());
        }
        return storage;
    }

    /** The driver with its operations counted; fails before {@link #open}. */
    BlobStore blobStore() {
        return new MeteredBlobStore(BerthRuntime.booted(blobStore), metrics);
    }

    /** The probe housekeeping repeats. */
    ScheduledStorageStatus probe() {
        return status;
    }

    /** Health: "starting" (not ready) until the storage is opened, then the last probe. */
    StorageStatus status() {
        return () -> {
            ScheduledStorageStatus probed = status;
            return probed == null ? new StorageStatus.StorageReport(BerthRuntime.STARTING, "", false, BerthRuntime.STARTING)
                    : probed.report();
        };
    }
}
