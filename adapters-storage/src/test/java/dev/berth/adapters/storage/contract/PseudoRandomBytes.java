package dev.berth.adapters.storage.contract;

import java.io.InputStream;

/**
 * Deterministic pseudo-random content addressable by position, so a test can stream a large blob
 * and check any slice of it without holding it in memory.
 */
public final class PseudoRandomBytes {

    private final long seed;

    public PseudoRandomBytes(long seed) {
        this.seed = seed;
    }

    public byte[] bytes(long from, int length) {
        byte[] bytes = new byte[length];
        fill(from, bytes, 0, length);
        return bytes;
    }

    /** {@code length} bytes of the content from position {@code from}. */
    public InputStream stream(long from, long length) {
        return new InputStream() {
            private long position = from;
            private long remaining = length;

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] buffer, int offset, int count) {
                if (count == 0) {
                    return 0;
                }
                if (remaining == 0) {
                    return -1;
                }
                int n = (int) Math.min(count, remaining);
                fill(position, buffer, offset, n);
                position += n;
                remaining -= n;
                return n;
            }
        };
    }

    private void fill(long from, byte[] buffer, int offset, int count) {
        long word = 0;
        for (int i = 0; i < count; i++) {
            long position = from + i;
            if (i == 0 || (position & 7) == 0) {
                word = mix(seed + (position >>> 3) * 0x9E3779B97F4A7C15L);
            }
            buffer[offset + i] = (byte) (word >>> ((position & 7) << 3));
        }
    }

    /** SplitMix64's finaliser: consecutive inputs give unrelated outputs. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
