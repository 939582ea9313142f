package dev.berth.application.usage;

import java.util.OptionalLong;

/**
 * What one namespace (the first path component of its repositories' names) stores, deduplicated: a
 * blob linked by several of its repositories counts once; and its quota, when it has one.
 *
 * @param blobs             distinct blobs linked by its repositories
 * @param blobBytes         their sizes, each once
 * @param manifestBytes     the manifests' payloads
 * @param quotaBytes        at most so many stored bytes (blobs plus manifests); empty: no limit
 * @param quotaRepositories at most so many repositories; empty: no limit
 */
public record NamespaceUsage(String namespace, long repositories, long blobs, long blobBytes, long manifestBytes,
                             OptionalLong quotaBytes, OptionalLong quotaRepositories) {

    /** What counts against the byte quota. */
    public long storedBytes() {
        return blobBytes + manifestBytes;
    }
}
