package dev.berth.application.event;

import dev.berth.application.port.NotificationStore;
import dev.berth.application.port.Transactions;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.util.List;

/**
 * Use case: make the configured endpoints the ones that came from the configuration, at start-up.
 * Endpoints added at run time stay; configured endpoints gone from the file go, with their queues.
 */
@Dependent
public class ConfigureNotificationEndpoints {

    private final NotificationStore store;
    private final Transactions transactions;

    @Inject
    public ConfigureNotificationEndpoints(NotificationStore store, Transactions transactions) {
        this.store = store;
        this.transactions = transactions;
    }

    public void configure(List<NotificationEndpoint> endpoints) {
        transactions.run(() -> {
            endpoints.forEach(endpoint -> store.save(endpoint, true));
            store.removeConfiguredExcept(endpoints.stream().map(NotificationEndpoint::name).toList());
        });
    }
}
