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

    /**
     * The claimed events went out: they leave the queue and the failure count restarts. Each
     * delivery keeps its attempt count and the status, for the deliveries page.
     */
    void delivered(Claim claim, String status, Instant now);

    /** The endpoint waits until {@code nextAttempt}; each claimed delivery records the attempt and its error. */
    void failed(Claim claim, String status, Instant now, Instant nextAttempt);

    /**
     * One page of an endpoint's deliveries, newest event first: those waiting and those delivered
     * within the retention. Empty for an unknown endpoint.
     */
    List<DeliveryRecord> deliveries(String endpoint, int offset, int limit);

    long countDeliveries(String endpoint);

    /**
     * Brings the endpoint's next attempt forward to {@code now} (never later than it was): the
     * delivery worker then sends its queue, oldest first, at its next poll.
     *
     * @return false when there is no such endpoint
     */
    boolean attemptNow(String endpoint, Instant now);

    /** Deletes delivery records and events delivered before {@code cutoff}; returns how many events went. */
    long pruneDelivered(Instant cutoff);

    record Claim(long endpointId, NotificationEndpoint endpoint, int consecutiveFailures, List<QueuedEvent> events) {
    }

    record QueuedEvent(long id, String json) {
    }

    /**
     * One event for one endpoint, as stored.
     *
     * @param json          the event in its stored form (see {@code EventJson})
     * @param lastStatus    HTTP status of its last attempt, or the error that prevented one; null before any
     * @param deliveredAt   null while it waits
     * @param nextAttemptAt the endpoint's next attempt while it waits (its whole queue waits for it); null
     *                      when delivered or the endpoint is disabled
     */
    record DeliveryRecord(long eventId, Instant queuedAt, String json, int attempts, Instant lastAttemptAt,
                          String lastStatus, Instant deliveredAt, Instant nextAttemptAt) {
    }
}
