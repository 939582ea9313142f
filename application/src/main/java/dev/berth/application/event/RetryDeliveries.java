package dev.berth.application.event;

import dev.berth.application.access.Administration;
import dev.berth.application.port.AuditLog;
import dev.berth.application.port.NotificationStore;
import dev.berth.domain.access.Caller;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * Use case: an admin makes an endpoint's waiting deliveries due at once, after fixing the receiver,
 * rather than wait out the backoff; audited.
 *
 * <p>It retries the endpoint, not one delivery: an endpoint gets its events strictly oldest first
 * (receivers rely on that order), so a failed delivery is always at the head of its queue and
 * everything behind it waits for it. Sending one later delivery on its own would overtake older
 * ones, and retrying the head is retrying the endpoint. The failure count stays: a manual retry is
 * one more attempt, and if the receiver still fails the pause grows as before instead of starting
 * another round of immediate retries against it.
 */
@Dependent
public class RetryDeliveries {

    public enum Outcome {
        /** The queue goes out at the delivery worker's next poll. */
        DUE_NOW,
        NOTHING_WAITING,
        /** A disabled endpoint is sent nothing; enabling it (in the configuration) sends its queue. */
        DISABLED,
        NO_SUCH_ENDPOINT
    }

    private final NotificationStore store;
    private final AuditLog audit;
    private final Clock clock;

    @Inject
    public RetryDeliveries(NotificationStore store, AuditLog audit, Clock clock) {
        this.store = store;
        this.audit = audit;
        this.clock = clock;
    }

    public Outcome retry(Caller actor, String address, String endpoint) {
        Administration.requireAdmin(actor);
        Instant now = clock.instant();
        Optional<EndpointStatus> status = store.statuses().stream()
                .filter(s -> s.endpoint().name().equals(endpoint)).findFirst();
        Outcome outcome = status.isEmpty() ? Outcome.NO_SUCH_ENDPOINT
                : status.get().endpoint().disabled() ? Outcome.DISABLED
                : status.get().queueDepth() == 0 ? Outcome.NOTHING_WAITING
                : store.attemptNow(endpoint, now) ? Outcome.DUE_NOW : Outcome.NO_SUCH_ENDPOINT;
        String detail = switch (outcome) {
            case DUE_NOW -> status.get().queueDepth() + " waiting, due now";
            case NOTHING_WAITING -> "nothing waiting";
            case DISABLED -> "refused: endpoint disabled";
            case NO_SUCH_ENDPOINT -> "no such endpoint";
        };
        Administration.audit(audit, now, actor, address, "retry-deliveries", endpoint, outcome == Outcome.DUE_NOW,
                detail);
        return outcome;
    }
}
