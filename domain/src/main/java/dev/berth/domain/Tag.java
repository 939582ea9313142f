package dev.berth.domain;

import dev.berth.domain.error.Excerpt;
import dev.berth.domain.error.TagInvalidException;

import java.util.Objects;

/**
 * A mutable, human-chosen name for a manifest within a repository, such as {@code latest} or
 * {@code 1.2.3}: {@code [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}}. Case-sensitive.
 */
public record Tag(String value) implements Reference {

    public static final int MAX_LENGTH = 128;

    /** @throws TagInvalidException when the value breaks the tag grammar */
    public Tag {
        Objects.requireNonNull(value, "value");
        if (value.isEmpty()) {
            throw new TagInvalidException("tag must not be empty");
        }
        if (value.length() > MAX_LENGTH) {
            throw new TagInvalidException("tag must not exceed " + MAX_LENGTH + " characters, got " + value.length());
        }
        if (!isWordChar(value.charAt(0))) {
            throw new TagInvalidException("tag must start with a letter, digit or underscore: " + Excerpt.quote(value));
        }
        for (int i = 1; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!(isWordChar(c) || c == '.' || c == '-')) {
                throw new TagInvalidException("invalid character '" + Excerpt.printable(c) + "' at index " + i
                        + " of tag " + Excerpt.quote(value));
            }
        }
    }

    /** @throws TagInvalidException when the value breaks the tag grammar */
    public static Tag parse(String value) {
        return new Tag(value);
    }

    private static boolean isWordChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_';
    }

    @Override
    public String toString() {
        return value;
    }
}
