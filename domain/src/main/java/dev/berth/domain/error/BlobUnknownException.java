package dev.berth.domain.error;

/** {@code BLOB_UNKNOWN}: the blob is not in the repository (or not visible to it). */
public final class BlobUnknownException extends RegistryException {

    public BlobUnknownException() {
        this(null);
    }

    public BlobUnknownException(String detail) {
        super("BLOB_UNKNOWN", "blob unknown to registry", detail, null);
    }
}
