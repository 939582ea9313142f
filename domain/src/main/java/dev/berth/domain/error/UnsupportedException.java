package dev.berth.domain.error;

/** {@code UNSUPPORTED}: the registry does not offer this operation (e.g. deletes are disabled). */
public final class UnsupportedException extends RegistryException {

    /** What is refused, so that the answer can say which methods remain (HTTP's {@code Allow}). */
    public enum Refused {
        /** this one request, e.g. a method the endpoint does not have */
        THIS_REQUEST,
        /** every delete: {@code storage.delete.enabled} is off */
        DELETES,
        /** every write: read-only maintenance mode */
        WRITES
    }

    private final Refused refused;

    public UnsupportedException() {
        this(null);
    }

    public UnsupportedException(String detail) {
        this("the operation is unsupported", detail, Refused.THIS_REQUEST);
    }

    private UnsupportedException(String message, String detail, Refused refused) {
        super("UNSUPPORTED", message, detail, null);
        this.refused = refused;
    }

    /** Writes while the registry is in read-only maintenance mode: the message says so, as clients print only it. */
    public static UnsupportedException readOnly() {
        return new UnsupportedException("registry is in read-only mode",
                "writes are refused until an administrator turns read-only mode off", Refused.WRITES);
    }

    /** Deletes while the configuration disables them ({@code storage.delete.enabled: false}). */
    public static UnsupportedException deletesDisabled() {
        return new UnsupportedException("the operation is unsupported", "deletes are disabled on this registry",
                Refused.DELETES);
    }

    /** Pushes and deletes into a namespace that mirrors another registry (a pull-through cache). */
    public static UnsupportedException pullThroughCache(String upstream) {
        return new UnsupportedException("the operation is unsupported",
                "this namespace is a pull-through cache of " + upstream + ": push to the upstream instead", Refused.WRITES);
    }

    public Refused refused() {
        return refused;
    }
}
