package dev.berth.deploy.runtime;

import dev.berth.adapters.storage.azure.AzureBlobStore;
import dev.berth.adapters.storage.filesystem.FilesystemBlobStore;
import dev.berth.adapters.storage.gcs.GcsBlobStore;
import dev.berth.adapters.storage.inmemory.InMemoryBlobStore;
import dev.berth.application.port.BlobStore;
import dev.berth.deploy.config.BerthConfig;

import java.time.Clock;

/** Builds the configured storage driver. */
final class BlobStores {

    private BlobStores() {
    }

    static BlobStore open(BerthConfig.Driver driver, Clock clock) {
        return switch (driver) {
            case BerthConfig.Driver.Filesystem fs -> new FilesystemBlobStore(fs.rootDirectory());
            case BerthConfig.Driver.InMemory ignored -> new InMemoryBlobStore(clock);
            case BerthConfig.Driver.Azure azure -> new AzureBlobStore(azure.serviceUrl(), azure.accountName(),
                    azure.accountKey(), azure.container(), azure.rootDirectory());
            case BerthConfig.Driver.Gcs gcs -> GcsBlobStore.open(gcs.bucket(), gcs.credentialsJson(), gcs.endpoint(),
                    gcs.rootDirectory(), gcs.chunkSize());
        };
    }
}
