package dev.berth.application.contract;

import dev.berth.application.port.BlobLinkStore;
import dev.berth.application.port.ManifestStore;
import dev.berth.application.port.RepositoryCatalog;
import dev.berth.application.port.StorageUsageStore;
import dev.berth.application.port.Transactions;

/** The ports a usage store's numbers follow, and the usage store, all over the same store. */
public record UsagePorts(RepositoryCatalog catalog, BlobLinkStore blobs, ManifestStore manifests,
                         Transactions transactions, StorageUsageStore usage) {
}
