package dev.berth.application.port;

import java.io.IOException;

/**
 * Thrown by {@link BlobStore#writeUpload} when the storage volume has no space left (or the quota
 * is used up). The driver has already released what the failed write added: the upload is as it
 * was before the call.
 */
public final class StorageFullException extends IOException {

    private final long usableBytes;

    /** @param usableBytes space left on the volume when the write failed, or -1 when unknown */
    public StorageFullException(String location, long usableBytes, Throwable cause) {
        super("no space left on the storage volume at " + location
                + (usableBytes < 0 ? "" : " (" + usableBytes + " bytes usable when the write failed)"), cause);
        this.usableBytes = usableBytes;
    }

    /** Space left on the volume when the write failed, or -1 when unknown. */
    public long usableBytes() {
        return usableBytes;
    }
}
