package dev.berth.application.event;

import dev.berth.application.port.NotificationStore;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

/** Use case: add an endpoint at run time, or change one (its queue stays); events from now on reach it. */
@Dependent
public class SaveNotificationEndpoint {

    private final NotificationStore store;

    @Inject
    public SaveNotificationEndpoint(NotificationStore store) {
        this.store = store;
    }

    public void save(NotificationEndpoint endpoint) {
        store.save(endpoint, false);
    }
}
