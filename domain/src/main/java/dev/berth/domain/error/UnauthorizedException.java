package dev.berth.domain.error;

/** {@code UNAUTHORIZED}: the client did not (validly) authenticate. */
public final class UnauthorizedException extends RegistryException {

    public UnauthorizedException() {
        this(null);
    }

    public UnauthorizedException(String detail) {
        super("UNAUTHORIZED", "authentication required", detail, null);
    }
}
