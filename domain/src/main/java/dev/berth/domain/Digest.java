package dev.berth.domain;

import dev.berth.domain.error.DigestInvalidException;
import dev.berth.domain.error.Excerpt;

import java.util.Objects;

/**
 * A content address, {@code algorithm:hex}. Only the canonical form is accepted (a supported
 * algorithm, lowercase hex of the exact length), so two equal contents always have equal digests
 * and a digest can be compared, stored and used as a key as a plain string.
 *
 * @param algorithm the hash function
 * @param hex       the hash, lowercase hexadecimal
 */
public record Digest(DigestAlgorithm algorithm, String hex) implements Reference {

    /** The digest of zero bytes: an empty blob, which clients may push and mount like any other. */
    public static final Digest EMPTY_BLOB =
            new Digest(DigestAlgorithm.SHA256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");

    /** @throws DigestInvalidException when the hex part is not lowercase hex of the algorithm's length */
    public Digest {
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(hex, "hex");
        if (hex.length() != algorithm.hexLength()) {
            throw new DigestInvalidException(algorithm.id() + " digest must have " + algorithm.hexLength()
                    + " hex characters, not " + hex.length());
        }
        for (int i = 0; i < hex.length(); i++) {
            char c = hex.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                throw new DigestInvalidException("digest must be lowercase hex, found "
                        + Excerpt.quote(String.valueOf(c)) + " at index " + i);
            }
        }
    }

    /**
     * Parses {@code algorithm:hex}, e.g. {@code sha256:e3b0...b855}.
     *
     * @throws DigestInvalidException when malformed, not canonical, or of an unsupported algorithm
     */
    public static Digest parse(String digest) {
        Objects.requireNonNull(digest, "digest");
        int colon = digest.indexOf(':');
        if (colon < 0) {
            throw new DigestInvalidException("digest must have the form algorithm:hex, got " + Excerpt.quote(digest));
        }
        return new Digest(DigestAlgorithm.fromId(digest.substring(0, colon)), digest.substring(colon + 1));
    }

    /** The digest of a payload small enough to be in memory, such as a manifest. */
    public static Digest of(DigestAlgorithm algorithm, byte[] content) {
        return algorithm.newDigester().update(content).finish();
    }

    @Override
    public String toString() {
        return algorithm.id() + ":" + hex;
    }
}
