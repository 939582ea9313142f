package dev.berth.deploy.runtime;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One named daemon thread running background work at fixed delays. A failure (the database away,
 * say) must not cancel the schedule: it is logged and the work runs again next time.
 */
final class Schedule implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Schedule.class.getName());

    private final String name;
    private final ScheduledExecutorService executor;

    Schedule(String threadName) {
        this.name = threadName;
        this.executor = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name(threadName).daemon().factory());
    }

    /** Runs {@code work} first after {@code initialDelay}, then {@code delay} after each run ends. */
    Schedule every(Duration delay, Duration initialDelay, String what, Runnable work) {
        executor.scheduleWithFixedDelay(() -> {
            try {
                work.run();
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, what + " failed; retrying", e);
            }
        }, initialDelay.toMillis(), delay.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** Interrupts the work and waits up to 10 s for it to end. */
    @Override
    public void close() {
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warning(name + " did not stop within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
