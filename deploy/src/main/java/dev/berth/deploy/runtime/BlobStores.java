package dev.berth.deploy.runtime;

import dev.berth.adapters.storage.azure.AzureBlobStore;
import dev.berth.adapters.storage.filesystem.FilesystemBlobStore;
import dev.berth.adapters.storage.gcs.GcsBlobStore;
import dev.berth.adapters.storage.inmemory.InMemoryBlobStore;
import dev.berth.adapters.storage.s3.S3BlobStore;
import dev.berth.adapters.storage.s3.S3Settings;
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
            case BerthConfig.Driver.Filesystem fs -> new FilesystemBlobStore(fs.rootDirectory(), fs.shared());
            case BerthConfig.Driver.InMemory ignored -> new InMemoryBlobStore(clock);
            case BerthConfig.Driver.S3 s3 -> new S3BlobStore(s3Settings(s3));
            case BerthConfig.Driver.Oss oss -> new S3BlobStore(S3Settings.oss(oss.bucket(), oss.region(), oss.endpoint(),
                    oss.internal(), oss.secure(), oss.accessKeyId(), oss.accessKeySecret(), oss.encrypt(),
                    oss.chunkSize(), oss.rootDirectory()));
            case BerthConfig.Driver.Azure azure -> new AzureBlobStore(azure.serviceUrl(), azure.accountName(),
                    azure.accountKey(), azure.container(), azure.rootDirectory());
            case BerthConfig.Driver.Swift swift -> new SwiftBlobStore(new SwiftOptions(swift.authUrl(),
                    swift.authVersion(), swift.username(), swift.password(), swift.container(), swift.region(),
                    swift.tenant(), swift.tenantId(), swift.domain(), swift.domainId(), swift.tenantDomain(),
                    swift.tenantDomainId(), swift.trustId(), swift.endpointType(), swift.insecureSkipVerify(),
                    swift.chunkSize(), swift.prefix(), swift.secretKey(), swift.tempUrlContainerKey()));
            case BerthConfig.Driver.Gcs gcs -> GcsBlobStore.open(gcs.bucket(), gcs.credentialsJson(), gcs.endpoint(),
                    gcs.rootDirectory(), gcs.chunkSize());
        };
    }

    static S3Settings s3Settings(BerthConfig.Driver.S3 s3) {
        return new S3Settings("s3", s3.bucket(), s3.region(), s3.endpoint(), s3.pathStyle(), s3.accessKey(),
                s3.secretKey(), s3.encrypt(), s3.keyId(), s3.chunkSize(), s3.rootDirectory(), s3.skipVerify(),
                s3.storageClass(), true);
    }
}
