package dev.berth.application.event;

import dev.berth.application.port.NotificationStore;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.time.Clock;
import java.time.Duration;

/** Use case: forget events every endpoint received more than {@code retention} ago. */
@Dependent
public class PruneDeliveredEvents {

    private final NotificationStore store;
    private final Clock clock;

    @Inject
    public PruneDeliveredEvents(NotificationStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** @return how many events were deleted */
    public long prune(Duration retention) {
        return store.pruneDelivered(clock.instant().minus(retention));
    }
}
