package dev.berth.application.contract;

import dev.berth.application.port.ActivityStore;
import dev.berth.application.port.BlobLinkStore;
import dev.berth.application.port.ManifestStore;
import dev.berth.application.port.RepositoryCatalog;
import dev.berth.application.port.TagStore;
import dev.berth.application.port.Transactions;
import dev.berth.application.port.UploadSessionStore;

/** The metadata ports of one implementation, all over the same store. */
public record MetadataPorts(RepositoryCatalog catalog, BlobLinkStore blobs, ManifestStore manifests, TagStore tags,
                            UploadSessionStore uploads, Transactions transactions, ActivityStore activity) {
}
