package dev.berth.application.event;

import java.time.Instant;

/**
 * One event on its way to one endpoint, for the deliveries page. Absent values are null.
 *
 * @param queuedAt      when the event was written
 * @param action        push, pull, delete or mount
 * @param tag           the tag an event by tag names; null otherwise
 * @param digest        the target's digest; null for a tag deletion
 * @param attempts      requests that carried it (delivery sends up to 50 events per request)
 * @param lastStatus    HTTP status of its last attempt, or the error that prevented one
 * @param nextAttemptAt while it waits: when the endpoint may be tried next (at the worker's next poll once
 *                      past); null once delivered or while the endpoint is disabled
 */
public record Delivery(long eventId, Instant queuedAt, String action, String repository, String tag, String digest,
                       State state, int attempts, Instant lastAttemptAt, String lastStatus, Instant deliveredAt,
                       Instant nextAttemptAt) {

    public enum State {
        /** Waiting and not sent yet: behind older deliveries, or the endpoint has not been tried since it came. */
        PENDING,
        /** Sent and refused (or unreachable); it goes again at the endpoint's next attempt. */
        FAILED,
        DELIVERED
    }
}
