package dev.berth.adapters.http;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A node's way out of a load balancer's rotation (deploy/docs/scale-out.md#draining): once draining
 * begins, {@code /health/ready} answers 503 so the balancer sends no new work, while the requests
 * already being served (a blob streaming, a chunk uploading) run to their end. One per JVM, like
 * the listener it counts: the servlet filter, the readiness check and the SIGTERM handler share it.
 */
public final class RequestDrain {

    private static final AtomicInteger IN_FLIGHT = new AtomicInteger();
    private static volatile boolean draining;

    private RequestDrain() {
    }

    /** From now on the node reports itself not ready; it still serves whatever reaches it. */
    public static void begin() {
        draining = true;
    }

    public static boolean draining() {
        return draining;
    }

    public static int inFlight() {
        return IN_FLIGHT.get();
    }

    static void entered() {
        IN_FLIGHT.incrementAndGet();
    }

    static void left() {
        IN_FLIGHT.decrementAndGet();
    }

    /**
     * Waits until no request is in flight (the caller's own, if any, not counted), at most {@code
     * timeout}.
     *
     * @return whether every request ended in time
     */
    public static boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (IN_FLIGHT.get() > 0) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }
}
