package dev.berth.domain.error;

/** {@code NAME_UNKNOWN}: the repository does not exist. */
public final class NameUnknownException extends RegistryException {

    public NameUnknownException() {
        this(null);
    }

    public NameUnknownException(String detail) {
        super("NAME_UNKNOWN", "repository name not known to registry", detail, null);
    }
}
