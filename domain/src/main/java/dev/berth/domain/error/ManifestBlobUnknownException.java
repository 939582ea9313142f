package dev.berth.domain.error;

/**
 * {@code MANIFEST_BLOB_UNKNOWN}: a pushed manifest references a blob or child manifest the
 * repository lacks.
 */
public final class ManifestBlobUnknownException extends RegistryException {

    public ManifestBlobUnknownException() {
        this(null);
    }

    public ManifestBlobUnknownException(String detail) {
        super("MANIFEST_BLOB_UNKNOWN", "manifest references a manifest or blob unknown to registry", detail, null);
    }
}
