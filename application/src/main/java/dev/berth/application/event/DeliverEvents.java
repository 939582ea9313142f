package dev.berth.application.event;

import dev.berth.application.port.NotificationStore;
import dev.berth.application.port.NotificationStore.Claim;
import dev.berth.application.port.Transactions;
import dev.berth.application.port.WebhookSender;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Use case: send queued events to their endpoints, oldest first, one batch per endpoint per call.
 * The endpoint stays locked while its batch is in flight, so no other node sends the same events
 * and order holds; the batch leaves the queue only after the receiver answered 2xx or 3xx, so a
 * crash in between sends it again (at least once).
 *
 * <p>After a failure the endpoint is retried at the next call, as Distribution retries at once;
 * after {@code threshold} failures in a row it pauses for {@code backoff}, doubling with every
 * further failure up to {@link #MAX_PAUSE}.
 */
@Dependent
public class DeliverEvents {

    private static final Logger LOG = Logger.getLogger(DeliverEvents.class.getName());
    /** Events in one envelope: big enough to catch up quickly, small enough for a 1 s timeout. */
    public static final int BATCH = 50;
    static final Duration MAX_PAUSE = Duration.ofMinutes(10);

    private final NotificationStore store;
    private final WebhookSender sender;
    private final Transactions transactions;
    private final Clock clock;

    @Inject
    public DeliverEvents(NotificationStore store, WebhookSender sender, Transactions transactions, Clock clock) {
        this.store = store;
        this.sender = sender;
        this.transactions = transactions;
        this.clock = clock;
    }

    /** @return how many events were delivered */
    public int deliverDue() {
        int delivered = 0;
        for (String endpoint : store.due(clock.instant())) {
            delivered += transactions.inTransaction(() -> deliverBatch(endpoint));
        }
        return delivered;
    }

    private int deliverBatch(String name) {
        Instant now = clock.instant();
        Claim claim = store.claim(name, now, BATCH).orElse(null);
        if (claim == null || claim.events().isEmpty()) {
            return 0;
        }
        NotificationEndpoint endpoint = claim.endpoint();
        byte[] body = EventJson.envelope(claim.events().stream().map(NotificationStore.QueuedEvent::json).toList(),
                endpoint.format());
        String status;
        boolean ok;
        try {
            int code = sender.post(endpoint.url(), headers(endpoint), body, endpoint.timeout(), endpoint.signingKey());
            status = String.valueOf(code);
            ok = code >= 200 && code < 400;
        } catch (IOException | RuntimeException e) {
            status = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            ok = false;
        }
        Instant done = clock.instant();
        if (ok) {
            store.delivered(claim, status, done);
            return claim.events().size();
        }
        int failures = claim.consecutiveFailures() + 1;
        Instant next = done.plus(pause(endpoint, failures));
        String last = status.replaceAll("[\\r\\n]", " ");
        LOG.log(failures == endpoint.threshold() ? Level.WARNING : Level.FINE, () -> "Webhook " + endpoint.name()
                + " failed " + failures + " time(s) in a row (last: " + last + "); next attempt at " + next);
        store.failed(claim, status, done, next);
        return 0;
    }

    /** Distribution's breaker: retry at once below the threshold, then back off, exponentially. */
    static Duration pause(NotificationEndpoint endpoint, int failures) {
        if (failures < endpoint.threshold()) {
            return Duration.ZERO;
        }
        int doublings = Math.min(failures - endpoint.threshold(), 20);
        Duration pause = endpoint.backoff().multipliedBy(1L << doublings);
        Duration cap = endpoint.backoff().compareTo(MAX_PAUSE) > 0 ? endpoint.backoff() : MAX_PAUSE;
        return pause.compareTo(cap) > 0 ? cap : pause;
    }

    private static Map<String, List<String>> headers(NotificationEndpoint endpoint) {
        Map<String, List<String>> headers = new LinkedHashMap<>(endpoint.headers());
        headers.put("Content-Type", List.of(endpoint.format().mediaType()));
        return headers;
    }
}
