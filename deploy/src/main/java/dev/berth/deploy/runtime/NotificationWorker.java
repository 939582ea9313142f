package dev.berth.deploy.runtime;

import dev.berth.application.event.DeliverEvents;
import dev.berth.application.event.PruneDeliveredEvents;

import java.time.Duration;

/**
 * Runs webhook delivery on every node: polls the outbox a few times a second (PostgreSQL's row locks
 * keep nodes from sending the same events) and prunes delivered events now and then.
 */
final class NotificationWorker implements AutoCloseable {

    static final Duration POLL = Duration.ofMillis(250);
    static final Duration PRUNE = Duration.ofMinutes(10);

    private final Schedule schedule = new Schedule("berth-notifications");

    NotificationWorker(DeliverEvents deliver, PruneDeliveredEvents prune, Duration retention) {
        schedule.every(POLL, POLL, "Delivering events", deliver::deliverDue)
                .every(PRUNE, PRUNE, "Pruning delivered events", () -> prune.prune(retention));
    }

    @Override
    public void close() {
        schedule.close();
    }
}
