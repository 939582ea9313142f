package dev.berth.domain.error;

/**
 * {@code MANIFEST_UNVERIFIED}: a signed (schema 1) manifest's signature does not verify against the
 * key it names, as Distribution reports it.
 */
public final class ManifestUnverifiedException extends RegistryException {

    public ManifestUnverifiedException(String detail) {
        super("MANIFEST_UNVERIFIED", "manifest failed signature verification", detail, null);
    }
}
