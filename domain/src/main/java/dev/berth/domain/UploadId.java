package dev.berth.domain;

import dev.berth.domain.error.BlobUploadUnknownException;
import dev.berth.domain.error.Excerpt;

import java.util.Objects;
import java.util.UUID;

/**
 * Identifies a blob upload session. Random, so that knowing one upload's id tells nothing about
 * another's. Its text form is the canonical lowercase UUID that Berth hands out in upload URLs.
 */
public record UploadId(UUID value) {

    private static final int TEXT_LENGTH = 36;

    public UploadId {
        Objects.requireNonNull(value, "value");
    }

    public static UploadId random() {
        return new UploadId(UUID.randomUUID());
    }

    /**
     * Accepts only the canonical form ({@code 8-4-4-4-12} lowercase hex), so each id has exactly one
     * spelling.
     *
     * @throws BlobUploadUnknownException for anything else: clients only echo ids Berth issued, so a
     *                                    malformed one names no upload
     */
    public static UploadId parse(String text) {
        Objects.requireNonNull(text, "text");
        if (!isCanonical(text)) {
            throw new BlobUploadUnknownException("not an upload id: " + Excerpt.quote(text));
        }
        return new UploadId(UUID.fromString(text));
    }

    private static boolean isCanonical(String text) {
        if (text.length() != TEXT_LENGTH) {
            return false;
        }
        for (int i = 0; i < TEXT_LENGTH; i++) {
            char c = text.charAt(i);
            boolean dashPosition = i == 8 || i == 13 || i == 18 || i == 23;
            boolean valid = dashPosition ? c == '-' : c >= '0' && c <= '9' || c >= 'a' && c <= 'f';
            if (!valid) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
