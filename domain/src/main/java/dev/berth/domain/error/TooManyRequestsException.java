package dev.berth.domain.error;

/** {@code TOOMANYREQUESTS}: the client exceeded a rate limit. */
public final class TooManyRequestsException extends RegistryException {

    public TooManyRequestsException() {
        this(null);
    }

    public TooManyRequestsException(String detail) {
        super("TOOMANYREQUESTS", "too many requests", detail, null);
    }
}
