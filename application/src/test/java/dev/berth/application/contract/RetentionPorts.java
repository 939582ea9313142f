package dev.berth.application.contract;

import dev.berth.application.port.BlobLinkStore;
import dev.berth.application.port.ManifestStore;
import dev.berth.application.port.RetentionStore;
import dev.berth.application.port.TagStore;
import dev.berth.application.port.Transactions;

/** The ports retention reads and changes, all over the same store. */
public record RetentionPorts(BlobLinkStore blobs, ManifestStore manifests, TagStore tags, Transactions transactions,
                             RetentionStore retention) {
}
