package dev.berth.application.event;

import dev.berth.application.access.Administration;
import dev.berth.application.port.NotificationStore;
import dev.berth.domain.access.Caller;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.util.List;

/**
 * Use case: every endpoint with its delivery history (last status, failures, queue depth), by name;
 * for admins (the admin UI) and the system (the metrics).
 */
@Dependent
public class ListNotificationEndpoints {

    private final NotificationStore store;

    @Inject
    public ListNotificationEndpoints(NotificationStore store) {
        this.store = store;
    }

    public List<EndpointStatus> list(Caller actor) {
        Administration.requireAdmin(actor);
        return store.statuses();
    }
}
