package dev.berth.application.event;

import dev.berth.domain.manifest.Descriptor;

import java.util.List;

/**
 * What an event is about. Fields a given action does not have are null (size: -1); a tag delete,
 * for instance, names only the repository and the tag.
 *
 * @param fromRepository for a mount, the repository the blob was mounted from
 * @param references     for a manifest push or pull, what the manifest references (config, layers, children)
 */
public record EventTarget(String mediaType, long size, String digest, String repository, String fromRepository,
                          String url, String tag, List<Descriptor> references) {

    public EventTarget {
        references = references == null ? List.of() : List.copyOf(references);
    }
}
