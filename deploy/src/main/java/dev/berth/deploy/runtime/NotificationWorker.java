package dev.berth.deploy.runtime;

import dev.berth.application.event.DeliverEvents;
import dev.berth.application.event.PruneDeliveredEvents;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs webhook delivery on every node: polls the outbox a few times a second (PostgreSQL's row locks
 * keep nodes from sending the same events) and prunes delivered events now and then.
 */
final class NotificationWorker implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(NotificationWorker.class.getName());
    static final Duration POLL = Duration.ofMillis(250);
    static final Duration PRUNE = Duration.ofMinutes(10);

    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("berth-notifications").daemon().factory());

    NotificationWorker(DeliverEvents deliver, PruneDeliveredEvents prune, Duration retention) {
        executor.scheduleWithFixedDelay(() -> guarded("Delivering events", deliver::deliverDue),
                POLL.toMillis(), POLL.toMillis(), TimeUnit.MILLISECONDS);
        executor.scheduleWithFixedDelay(() -> guarded("Pruning delivered events", () -> prune.prune(retention)),
                PRUNE.toMillis(), PRUNE.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** A failure (the database away, say) must not cancel the schedule: log it and try again next time. */
    private static void guarded(String what, Runnable work) {
        try {
            work.run();
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, what + " failed; retrying", e);
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warning("Webhook delivery did not stop within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
