package dev.berth.domain.error;

/** {@code UNSUPPORTED}: the registry does not offer this operation (e.g. deletes are disabled). */
public final class UnsupportedException extends RegistryException {

    public UnsupportedException() {
        this(null);
    }

    public UnsupportedException(String detail) {
        super("UNSUPPORTED", "the operation is unsupported", detail, null);
    }
}
