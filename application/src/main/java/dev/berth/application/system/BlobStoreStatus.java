package dev.berth.application.system;

import dev.berth.application.port.BlobStore;
import dev.berth.domain.UploadId;

import java.io.ByteArrayInputStream;

/**
 * Reports whether the configured driver accepts writes by writing and discarding a one-byte upload:
 * a real write through the driver proves more than any driver-specific check (read-only mounts,
 * full disks, wrong credentials, a missing bucket), and works the same for every driver. It costs a
 * write and a delete (billed on object stores): {@link ScheduledStorageStatus} runs it on a schedule.
 */
public final class BlobStoreStatus implements StorageStatus {

    private final BlobStore store;

    public BlobStoreStatus(BlobStore store) {
        this.store = store;
    }

    @Override
    public StorageReport report() {
        UploadId probe = UploadId.random();
        try {
            store.writeUpload(probe, 0, new ByteArrayInputStream(new byte[] {0}));
            store.deleteUpload(probe);
            return new StorageReport(store.driverName(), store.location(), true, null);
        } catch (Exception e) {
            return new StorageReport(store.driverName(), store.location(), false,
                    e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }
}
