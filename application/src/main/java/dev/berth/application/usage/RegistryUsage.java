package dev.berth.application.usage;

/**
 * What the whole registry stores, deduplicated: a blob linked in several namespaces counts once.
 *
 * @param blobs     distinct blobs linked by any repository (blobs no repository links any more are
 *                  garbage collection's, not usage)
 * @param blobBytes their sizes, each once
 */
public record RegistryUsage(long namespaces, long repositories, long blobs, long blobBytes, long manifestBytes) {

    public long storedBytes() {
        return blobBytes + manifestBytes;
    }
}
