package dev.berth.deploy.runtime;

import dev.berth.adapters.storage.filesystem.FilesystemBlobStore;
import dev.berth.adapters.storage.inmemory.InMemoryBlobStore;
import dev.berth.adapters.storage.swift.SwiftBlobStore;
import dev.berth.adapters.storage.swift.SwiftOptions;
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
            case BerthConfig.Driver.Swift swift -> new SwiftBlobStore(new SwiftOptions(swift.authUrl(),
                    swift.authVersion(), swift.username(), swift.password(), swift.container(), swift.region(),
                    swift.tenant(), swift.tenantId(), swift.domain(), swift.domainId(), swift.tenantDomain(),
                    swift.tenantDomainId(), swift.trustId(), swift.endpointType(), swift.insecureSkipVerify(),
                    swift.chunkSize(), swift.prefix(), swift.secretKey(), swift.tempUrlContainerKey()));
        };
    }
}
