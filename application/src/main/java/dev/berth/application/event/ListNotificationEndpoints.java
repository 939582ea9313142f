package dev.berth.application.event;

import dev.berth.application.port.NotificationStore;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.util.List;

/** Use case: every endpoint with its delivery history (last status, failures, queue depth), by name. */
@Dependent
public class ListNotificationEndpoints {

    private final NotificationStore store;

    @Inject
    public ListNotificationEndpoints(NotificationStore store) {
        this.store = store;
    }

    public List<EndpointStatus> list() {
        return store.statuses();
    }
}
