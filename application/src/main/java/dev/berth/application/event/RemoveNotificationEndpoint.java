package dev.berth.application.event;

import dev.berth.application.port.NotificationStore;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

/** Use case: remove an endpoint and the events still queued for it. */
@Dependent
public class RemoveNotificationEndpoint {

    private final NotificationStore store;

    @Inject
    public RemoveNotificationEndpoint(NotificationStore store) {
        this.store = store;
    }

    /** @return false when there was no such endpoint */
    public boolean remove(String name) {
        return store.remove(name);
    }
}
