package dev.berth.domain.error;

/** {@code DENIED}: the client is authenticated but not allowed to do this. */
public final class DeniedException extends RegistryException {

    public DeniedException() {
        this(null);
    }

    public DeniedException(String detail) {
        super("DENIED", "requested access to the resource is denied", detail, null);
    }
}
