package dev.berth.domain.error;

/** {@code SIZE_INVALID}: a declared size is negative or does not match the content length. */
public final class SizeInvalidException extends RegistryException {

    public SizeInvalidException() {
        this(null);
    }

    public SizeInvalidException(String detail) {
        super("SIZE_INVALID", "provided size is invalid or did not match content length", detail, null);
    }
}
