package dev.berth.adapters.db;

/**
 * What a pull of manifest {@code m} transfers at most, as an SQL expression: the manifest, the
 * manifests it lists (an index's images) and the distinct blobs of all of them, each blob once.
 * The tag grid, the untagged manifests and the manifest page all show this one size.
 */
final class PullSize {

    static final String OF_M = """
            m.size
            + (SELECT COALESCE(sum(cm.size), 0) FROM manifest cm
               WHERE cm.repository_id = m.repository_id
                 AND cm.digest IN (SELECT c.digest FROM manifest_child c WHERE c.manifest_id = m.id))
            + (SELECT COALESCE(sum(b.size), 0) FROM blob b
               WHERE b.digest IN (SELECT mb.digest FROM manifest_blob mb
                                  WHERE mb.manifest_id = m.id
                                     OR mb.manifest_id IN (SELECT cm.id FROM manifest_child c
                                                           JOIN manifest cm
                                                             ON cm.repository_id = c.repository_id
                                                            AND cm.digest = c.digest
                                                           WHERE c.manifest_id = m.id)))""";

    private PullSize() {
    }
}
