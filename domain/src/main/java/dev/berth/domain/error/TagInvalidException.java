package dev.berth.domain.error;

/** {@code TAG_INVALID}: a tag breaks {@code [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}}. */
public final class TagInvalidException extends RegistryException {

    public TagInvalidException() {
        this(null);
    }

    public TagInvalidException(String detail) {
        super("TAG_INVALID", "invalid tag", detail, null);
    }
}
