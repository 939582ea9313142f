package dev.berth.domain.error;

/** {@code MANIFEST_UNKNOWN}: no manifest for that tag or digest in the repository. */
public final class ManifestUnknownException extends RegistryException {

    public ManifestUnknownException() {
        this(null);
    }

    public ManifestUnknownException(String detail) {
        super("MANIFEST_UNKNOWN", "manifest unknown", detail, null);
    }
}
