package dev.berth.domain.error;

/**
 * {@code UNAVAILABLE}: a dependency (storage, database) is temporarily unreachable; the cause
 * stays internal.
 */
public final class UnavailableException extends RegistryException {

    public UnavailableException() {
        this(null);
    }

    public UnavailableException(String detail) {
        this(detail, null);
    }

    public UnavailableException(String detail, Throwable cause) {
        super("UNAVAILABLE", "service unavailable", detail, cause);
    }
}
