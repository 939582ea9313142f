package dev.berth.deploy.runtime;

import dev.berth.adapters.http.RequestDrain;
import sun.misc.Signal;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;

/**
 * Under berth.jar, SIGTERM drains the node before it stops (deploy/docs/scale-out.md#draining):
 * {@code /health/ready} answers 503 at once, the requests in flight run to their end (at most
 * {@code shutdown.timeout}), then the JVM exits as SIGTERM always made it (status 143) and Payara
 * stops. Without this, the JVM's own handler began Payara's shutdown at once and cut a blob
 * streaming or a chunk uploading. A second SIGTERM stops without waiting.
 */
final class SigtermDrain {

    /** As a JVM stopped by SIGTERM reports (128 + 15). */
    static final int STATUS = 143;
    private static final AtomicBoolean DRAINING = new AtomicBoolean();

    private SigtermDrain() {
    }

    static void install(Duration timeout) {
        try {
            Signal.handle(new Signal("TERM"), signal -> {
                if (DRAINING.compareAndSet(false, true)) {
                    Thread.ofPlatform().name("berth-drain").start(() -> drainThenExit(timeout));
                } else {
                    Thread.ofPlatform().name("berth-exit").start(() -> System.exit(STATUS));
                }
            });
        } catch (IllegalArgumentException | LinkageError e) {
            BerthRuntime.LOG.log(Level.WARNING, "SIGTERM will stop Berth without draining: " + e, e);
        }
    }

    private static void drainThenExit(Duration timeout) {
        RequestDrain.begin();
        int inFlight = RequestDrain.inFlight();
        BerthRuntime.LOG.info(() -> "SIGTERM: draining (/health/ready answers 503); " + inFlight
                + " request(s) in flight may take up to " + timeout.toSeconds() + " s (shutdown.timeout)");
        try {
            if (!RequestDrain.awaitIdle(timeout)) {
                BerthRuntime.LOG.warning(() -> RequestDrain.inFlight() + " request(s) still in flight after "
                        + timeout.toSeconds() + " s (shutdown.timeout): stopping anyway");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        BerthRuntime.LOG.info("Drained: stopping");
        System.exit(STATUS);
    }
}
