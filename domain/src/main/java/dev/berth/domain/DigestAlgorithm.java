package dev.berth.domain;

import dev.berth.domain.error.DigestInvalidException;
import dev.berth.domain.error.Excerpt;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** The content-addressing algorithms Berth accepts: the two the OCI image spec registers. */
public enum DigestAlgorithm {
    SHA256("sha256", "SHA-256", 64),
    SHA512("sha512", "SHA-512", 128);

    private final String id;
    private final String jcaName;
    private final int hexLength;

    DigestAlgorithm(String id, String jcaName, int hexLength) {
        this.id = id;
        this.jcaName = jcaName;
        this.hexLength = hexLength;
    }

    /** The algorithm as written before the colon of a digest, e.g. {@code sha256}. */
    public String id() {
        return id;
    }

    /** How many lowercase hex characters the encoded part of a digest has. */
    public int hexLength() {
        return hexLength;
    }

    /** @throws DigestInvalidException for any algorithm but {@code sha256} and {@code sha512} */
    public static DigestAlgorithm fromId(String id) {
        for (DigestAlgorithm algorithm : values()) {
            if (algorithm.id.equals(id)) {
                return algorithm;
            }
        }
        throw new DigestInvalidException("unsupported digest algorithm " + Excerpt.quote(id)
                + ": use sha256 or sha512");
    }

    /** A fresh digester, for hashing content while it streams past. */
    public Digester newDigester() {
        return new Digester(this, messageDigest());
    }

    private MessageDigest messageDigest() {
        try {
            return MessageDigest.getInstance(jcaName);
        } catch (NoSuchAlgorithmException e) {
            // Every Java platform must provide SHA-256 and SHA-512.
            throw new IllegalStateException(jcaName + " is missing from this JDK", e);
        }
    }
}
