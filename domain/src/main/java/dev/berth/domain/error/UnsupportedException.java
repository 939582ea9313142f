package dev.berth.domain.error;

/** {@code UNSUPPORTED}: the registry does not offer this operation (e.g. deletes are disabled). */
public final class UnsupportedException extends RegistryException {

    public UnsupportedException() {
        this(null);
    }

    public UnsupportedException(String detail) {
        super("UNSUPPORTED", "the operation is unsupported", detail, null);
    }

    private UnsupportedException(String message, String detail) {
        super("UNSUPPORTED", message, detail, null);
    }

    /** Writes while the registry is in read-only maintenance mode: the message says so, as clients print only it. */
    public static UnsupportedException readOnly() {
        return new UnsupportedException("registry is in read-only mode",
                "writes are refused until an administrator turns read-only mode off");
    }
}
