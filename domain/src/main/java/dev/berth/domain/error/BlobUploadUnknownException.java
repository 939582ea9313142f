package dev.berth.domain.error;

/**
 * {@code BLOB_UPLOAD_UNKNOWN}: no such upload session; a malformed upload id counts as unknown,
 * since clients only echo ids we handed out.
 */
public final class BlobUploadUnknownException extends RegistryException {

    public BlobUploadUnknownException() {
        this(null);
    }

    public BlobUploadUnknownException(String detail) {
        super("BLOB_UPLOAD_UNKNOWN", "blob upload unknown to registry", detail, null);
    }
}
