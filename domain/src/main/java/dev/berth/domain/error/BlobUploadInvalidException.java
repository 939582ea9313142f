package dev.berth.domain.error;

/**
 * {@code BLOB_UPLOAD_INVALID}: the upload session cannot accept the request (e.g. it was already
 * completed).
 */
public final class BlobUploadInvalidException extends RegistryException {

    public BlobUploadInvalidException() {
        this(null);
    }

    public BlobUploadInvalidException(String detail) {
        super("BLOB_UPLOAD_INVALID", "blob upload invalid", detail, null);
    }
}
