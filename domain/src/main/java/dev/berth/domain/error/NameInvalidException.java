package dev.berth.domain.error;

/** {@code NAME_INVALID}: a repository name breaks the distribution-spec grammar. */
public final class NameInvalidException extends RegistryException {

    public NameInvalidException() {
        this(null);
    }

    public NameInvalidException(String detail) {
        super("NAME_INVALID", "invalid repository name", detail, null);
    }
}
