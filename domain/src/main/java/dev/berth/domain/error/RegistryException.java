package dev.berth.domain.error;

/**
 * A failure a registry client can be told about. Each subclass stands for exactly one error code
 * of the distribution spec, so an exhaustive {@code switch} over this sealed type is the single place
 * where a transport decides how to report it. No transport concept (status, header) lives here.
 *
 * <p>{@link #getMessage()} is the fixed, human-readable text for the code; {@link #detail()} says
 * what exactly was wrong. Neither ever carries secrets: details quote user input through
 * {@link Excerpt}, never credentials or internal paths.
 */
public abstract sealed class RegistryException extends RuntimeException
        permits BlobUnknownException, BlobUploadUnknownException, BlobUploadInvalidException,
        DigestInvalidException, SizeInvalidException, NameInvalidException, NameUnknownException,
        TagInvalidException, ManifestUnknownException, ManifestInvalidException,
        ManifestBlobUnknownException, ManifestUnverifiedException, UnauthorizedException, DeniedException,
        UnsupportedException, TooManyRequestsException, UnavailableException, RangeInvalidException,
        PaginationNumberInvalidException {

    private final String code;
    private final String detail;

    RegistryException(String code, String message, String detail, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.detail = detail;
    }

    /** The distribution-spec error code, e.g. {@code BLOB_UNKNOWN}. */
    public final String code() {
        return code;
    }

    /** What exactly was wrong, or {@code null} when the code says it all. */
    public final String detail() {
        return detail;
    }
}
