package dev.berth.domain.error;

/** {@code PAGINATION_NUMBER_INVALID}: the page size {@code n} of a list request is not a non-negative number. */
public final class PaginationNumberInvalidException extends RegistryException {

    public PaginationNumberInvalidException(String detail) {
        super("PAGINATION_NUMBER_INVALID", "invalid number of results requested", detail, null);
    }
}
