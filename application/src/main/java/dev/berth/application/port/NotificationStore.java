package dev.berth.application.port;

import dev.berth.application.event.EndpointStatus;
import dev.berth.application.event.NotificationEndpoint;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Port: webhook endpoints and their delivery queues. Shared by every node: claiming an endpoint
 * locks it until the claiming transaction ends, and other nodes skip a locked endpoint rather than
 * wait, so each event goes out once per endpoint and in order.
 */
public interface NotificationStore {

    /** Creates the endpoint or replaces its settings; its queue and history stay. */
    void save(NotificationEndpoint endpoint, boolean fromConfiguration);

    /** @return false when there was no such endpoint */
    boolean remove(String name);

    /** Removes endpoints that came from the configuration and are no longer in it. */
    void removeConfiguredExcept(List<String> names);

    List<EndpointStatus> statuses();

    /** Enabled endpoints with queued events whose next attempt is due. */
    List<String> due(Instant now);

    /**
     * In the caller's transaction: locks the endpoint (none if another node holds it, it is disabled
     * or not due) and reads up to {@code max} of its queued events, oldest first.
     */
    Optional<Claim> claim(String name, Instant now, int max);

    /** The claimed events went out: they leave the queue and the failure count restarts. */
    void delivered(Claim claim, String status, Instant now);

    void failed(Claim claim, String status, Instant now, Instant nextAttempt);

    /** Deletes delivery records and events delivered before {@code cutoff}; returns how many events went. */
    long pruneDelivered(Instant cutoff);

    record Claim(long endpointId, NotificationEndpoint endpoint, int consecutiveFailures, List<QueuedEvent> events) {
    }

    record QueuedEvent(long id, String json) {
    }
}
