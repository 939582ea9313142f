package dev.berth.adapters.storage.swift;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When and how long the Swift driver waits before it sends a request again: after a server error
 * (5xx), a rate limit (429, or Swift's own 498 from its ratelimit middleware) or an I/O error or
 * timeout, 4 attempts in all, waiting about 0.2, 0.6 and 1.4 s (less up to 20 % jitter, so that
 * nodes that failed together do not retry together). Only requests that can be sent again are:
 * those without a body or with one the driver holds as bytes, and a segment upload whose streamed
 * body Swift refused before reading a byte of it.
 */
final class SwiftRetries {

    static final int ATTEMPTS = 4;
    private static final Duration BASE = Duration.ofMillis(200);
    private static final double JITTER = 0.2;

    private SwiftRetries() {
    }

    static boolean retryable(int status) {
        return status / 100 == 5 && status != 501 || status == 429 || status == 498;
    }

    /** Waits before attempt {@code attempt + 1}: BASE × (2^attempt − 1), less the jitter. */
    static void backoff(int attempt) throws IOException {
        long nominal = BASE.toMillis() * ((1L << attempt) - 1);
        long wait = (long) (nominal * (1 - JITTER * ThreadLocalRandom.current().nextDouble()));
        try {
            Thread.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting to retry a Swift request", e);
        }
    }
}
