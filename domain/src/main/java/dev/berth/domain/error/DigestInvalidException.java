package dev.berth.domain.error;

/**
 * {@code DIGEST_INVALID}: a digest is malformed or uses an unsupported algorithm, or content does
 * not hash to it.
 */
public final class DigestInvalidException extends RegistryException {

    public DigestInvalidException() {
        this(null);
    }

    public DigestInvalidException(String detail) {
        super("DIGEST_INVALID", "provided digest is invalid or did not match uploaded content", detail, null);
    }
}
