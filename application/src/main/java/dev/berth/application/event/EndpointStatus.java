package dev.berth.application.event;

import java.time.Instant;

/**
 * Delivery history of one endpoint, for the admin UI and the metrics.
 *
 * @param lastStatus          HTTP status of the last attempt, or the error that prevented one; null before any
 * @param consecutiveFailures failed attempts since the last success
 * @param queueDepth          events waiting for this endpoint
 */
public record EndpointStatus(NotificationEndpoint endpoint, String lastStatus, Instant lastAttemptAt,
                             Instant lastSuccessAt, int consecutiveFailures, long totalFailures, long delivered,
                             long queueDepth, Instant nextAttemptAt) {
}
