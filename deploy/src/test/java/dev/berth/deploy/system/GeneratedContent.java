package dev.berth.deploy.system;

import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;

/**
 * Large deterministic content produced on the fly (never held in memory), with an optional pause
 * point: the stream blocks once {@code pauseAfter} bytes were read until {@link #resume()}, so a
 * test can act (kill the server) while an upload is mid-flight.
 */
final class GeneratedContent extends InputStream {

    private final SplittableRandom random;
    private final long size;
    private final long pauseAfter;
    private final CountDownLatch reachedPause = new CountDownLatch(1);
    private final CountDownLatch resumed = new CountDownLatch(1);
    private long position;

    GeneratedContent(long seed, long size, long pauseAfter) {
        this.random = new SplittableRandom(seed);
        this.size = size;
        this.pauseAfter = pauseAfter;
    }

    GeneratedContent(long seed, long size) {
        this(seed, size, Long.MAX_VALUE);
    }

    static String sha256(long seed, long size) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (GeneratedContent content = new GeneratedContent(seed, size)) {
            byte[] buffer = new byte[1 << 16];
            int n;
            while ((n = content.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
        }
        return "sha256:" + HexFormat.of().formatHex(digest.digest());
    }

    void awaitPause() throws InterruptedException {
        reachedPause.await();
    }

    void resume() {
        resumed.countDown();
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
        if (position >= size) {
            return -1;
        }
        if (position >= pauseAfter) {
            reachedPause.countDown();
            try {
                resumed.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }
        long limit = position < pauseAfter ? Math.min(size, pauseAfter) : size;
        int n = (int) Math.min(length, limit - position);
        // whole longs keep the sequence independent of how callers size their reads
        for (int i = 0; i < n; i++) {
            if ((position + i) % 8 == 0) {
                current = random.nextLong();
            }
            buffer[offset + i] = (byte) (current >>> (8 * ((position + i) % 8)));
        }
        position += n;
        return n;
    }

    private long current;
}
