package dev.berth.domain.error;

/**
 * {@code MANIFEST_INVALID}: a manifest (or its declared media type) is malformed, unsupported or
 * contradicts itself.
 */
public final class ManifestInvalidException extends RegistryException {

    public ManifestInvalidException() {
        this(null);
    }

    public ManifestInvalidException(String detail) {
        this(detail, null);
    }

    public ManifestInvalidException(String detail, Throwable cause) {
        super("MANIFEST_INVALID", "manifest invalid", detail, cause);
    }
}
