package dev.berth.application.browse;

import java.util.List;

/**
 * What a deletion would remove and what would stay, for the confirmation dialog: sentences for
 * people, and the numbers.
 *
 * @param reclaimableBytes what the deletion frees: manifests at once, blobs nothing else uses after garbage collection
 * @param sharedBytes      blobs the deleted content uses that stay because something else uses them too
 */
public record DeletionPreview(String summary, List<String> removed, List<String> kept, long reclaimableBytes,
                              long sharedBytes) {

    public DeletionPreview {
        removed = List.copyOf(removed);
        kept = List.copyOf(kept);
    }
}
