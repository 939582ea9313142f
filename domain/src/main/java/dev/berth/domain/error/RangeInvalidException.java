package dev.berth.domain.error;

/**
 * {@code RANGE_INVALID}: a chunk does not continue where the upload stands, or a requested byte
 * range lies outside the content.
 */
public final class RangeInvalidException extends RegistryException {

    public RangeInvalidException() {
        this(null);
    }

    public RangeInvalidException(String detail) {
        super("RANGE_INVALID", "requested range is invalid or not satisfiable", detail, null);
    }
}
