package dev.berth.domain;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Hashes content piece by piece, so a blob is digested while it streams to storage instead of in
 * a second pass. Also counts the bytes, which callers compare with a declared size. Single use and
 * not thread-safe, like the {@link MessageDigest} it wraps.
 */
public final class Digester {

    private final DigestAlgorithm algorithm;
    private final MessageDigest messageDigest;
    private long length;
    private boolean finished;

    Digester(DigestAlgorithm algorithm, MessageDigest messageDigest) {
        this.algorithm = algorithm;
        this.messageDigest = messageDigest;
    }

    public DigestAlgorithm algorithm() {
        return algorithm;
    }

    public Digester update(byte[] bytes) {
        return update(bytes, 0, bytes.length);
    }

    public Digester update(byte[] bytes, int offset, int count) {
        ensureNotFinished();
        messageDigest.update(bytes, offset, count);
        length += count;
        return this;
    }

    /** Consumes the buffer's remaining bytes (its position moves to its limit). */
    public Digester update(ByteBuffer buffer) {
        ensureNotFinished();
        length += buffer.remaining();
        messageDigest.update(buffer);
        return this;
    }

    /** How many bytes have been hashed so far. */
    public long length() {
        return length;
    }

    /** The digest of everything hashed; the digester cannot be used afterwards. */
    public Digest finish() {
        ensureNotFinished();
        finished = true;
        return new Digest(algorithm, HexFormat.of().formatHex(messageDigest.digest()));
    }

    private void ensureNotFinished() {
        if (finished) {
            throw new IllegalStateException("digester already finished");
        }
    }
}
