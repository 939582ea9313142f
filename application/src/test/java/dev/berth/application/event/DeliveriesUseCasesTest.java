package dev.berth.application.event;

import dev.berth.application.fake.InMemoryNotifications;
import dev.berth.application.fake.InMemoryUsers;
import dev.berth.application.fake.MutableClock;
import dev.berth.application.port.AuditLog;
import dev.berth.application.port.Transactions;
import dev.berth.application.port.WebhookSender;
import dev.berth.domain.access.Caller;
import dev.berth.domain.access.User;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** Issue 13: the deliveries page's use cases, with the delivery worker's own use case between them. */
class DeliveriesUseCasesTest {

    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    private static final Caller ADMIN = new Caller(Optional.of(new User("root", true, true)), List.of(), Optional.empty());

    private final MutableClock clock = new MutableClock(NOW);
    private final InMemoryNotifications store = new InMemoryNotifications();
    private final InMemoryUsers audit = new InMemoryUsers();
    private final Receiver receiver = new Receiver();
    private final Transactions transactions = new Transactions() {
        @Override
        public <T> T inTransaction(Supplier<T> work) {
            return work.get();
        }
    };
    private final DeliverEvents deliver = new DeliverEvents(store, receiver, transactions, clock);
    private final ListDeliveries list = new ListDeliveries(store);
    private final RetryDeliveries retry = new RetryDeliveries(store, audit, clock);

    /** Answers what the test says and keeps the tags of every request's events. */
    private static final class Receiver implements WebhookSender {
        int status = 200;
        final List<List<String>> requests = new ArrayList<>();

        @Override
        public int post(URI url, Map<String, List<String>> headers, byte[] body, Duration timeout,
                        Optional<String> signingKey) {
            String text = new String(body, StandardCharsets.UTF_8);
            requests.add(java.util.regex.Pattern.compile("\"tag\":\"([^\"]+)\"").matcher(text).results()
                    .map(m -> m.group(1)).toList());
            return status;
        }
    }

    private static NotificationEndpoint endpoint(String name, int threshold, Duration backoff, boolean disabled) {
        return new NotificationEndpoint(name, URI.create("http://receiver.example/" + name), Map.of(),
                Duration.ofSeconds(1), threshold, backoff, Set.of(), Set.of(), EnvelopeFormat.V2, Optional.empty(),
                disabled);
    }

    private void push(String repository, String tag) {
        store.queue(EventJson.event(new RegistryEvent("id-" + tag, clock.instant(), EventAction.PUSH,
                new EventTarget("application/vnd.oci.image.manifest.v1+json", 10, "sha256:" + "a".repeat(64),
                        repository, null, null, tag, List.of()), RequestContext.NONE, new EventSource("n:5000", "i"))),
                clock.instant());
    }

    /** An endpoint whose receiver answers {@code status}, with a push to team/app:1 tried once. */
    private void triedOnce(String name, int threshold, Duration backoff, int status) {
        store.save(endpoint(name, threshold, backoff, false), false);
        receiver.status = status;
        push("team/app", "1");
        assertThat(deliver.deliverDue()).isZero();
    }

    @Test
    void aFailedDeliveryShowsItsErrorAndNextAttemptAndRetryNowSendsTheQueueOldestFirstOnce() {
        triedOnce("ci", 1, Duration.ofHours(1), 500);
        clock.advance(Duration.ofSeconds(5));
        push("team/app", "2");
        clock.advance(Duration.ofMinutes(1));
        assertThat(deliver.deliverDue()).as("paused for the backoff").isZero();

        List<Delivery> waiting = list.page(ADMIN, "ci", 0, 50);
        assertThat(waiting).extracting(Delivery::tag, Delivery::state, Delivery::attempts, Delivery::lastStatus)
                .containsExactly(tuple("2", Delivery.State.PENDING, 0, null),
                        tuple("1", Delivery.State.FAILED, 1, "500"));
        assertThat(waiting).extracting(Delivery::nextAttemptAt).containsOnly(NOW.plus(Duration.ofHours(1)));
        assertThat(waiting.get(1)).extracting(Delivery::action, Delivery::repository, Delivery::digest,
                        Delivery::queuedAt, Delivery::lastAttemptAt)
                .containsExactly("push", "team/app", "sha256:" + "a".repeat(64), NOW, NOW);

        receiver.status = 200;
        assertThat(retry.retry(ADMIN, "10.0.0.1", "ci")).isEqualTo(RetryDeliveries.Outcome.DUE_NOW);
        assertThat(deliver.deliverDue()).isEqualTo(2);
        assertThat(receiver.requests).containsExactly(List.of("1"), List.of("1", "2"));

        List<Delivery> delivered = list.page(ADMIN, "ci", 0, 50);
        assertThat(delivered).extracting(Delivery::tag, Delivery::state, Delivery::attempts, Delivery::lastStatus,
                        Delivery::deliveredAt, Delivery::nextAttemptAt)
                .containsExactly(tuple("2", Delivery.State.DELIVERED, 1, "200", clock.instant(), null),
                        tuple("1", Delivery.State.DELIVERED, 2, "200", clock.instant(), null));
        assertThat(deliver.deliverDue()).as("nothing twice").isZero();

        assertThat(retry.retry(ADMIN, "10.0.0.1", "ci")).isEqualTo(RetryDeliveries.Outcome.NOTHING_WAITING);
        assertThat(retry.retry(ADMIN, "10.0.0.1", "gone")).isEqualTo(RetryDeliveries.Outcome.NO_SUCH_ENDPOINT);
        assertThat(audit.events).extracting(AuditLog.Event::actor, AuditLog.Event::address, AuditLog.Event::action,
                        AuditLog.Event::target, AuditLog.Event::success, AuditLog.Event::detail)
                .containsExactly(tuple("root", "10.0.0.1", "retry-deliveries", "ci", true, "2 waiting, due now"),
                        tuple("root", "10.0.0.1", "retry-deliveries", "ci", false, "nothing waiting"),
                        tuple("root", "10.0.0.1", "retry-deliveries", "gone", false, "no such endpoint"));
    }

    @Test
    void aRetryThatFailsAgainPausesLongerInsteadOfStartingOverTheQuickRetries() {
        triedOnce("ci", 2, Duration.ofMinutes(1), 503);
        deliver.deliverDue();
        assertThat(list.page(ADMIN, "ci", 0, 1).getFirst().nextAttemptAt()).isEqualTo(NOW.plus(Duration.ofMinutes(1)));

        retry.retry(ADMIN, "10.0.0.1", "ci");
        deliver.deliverDue();
        assertThat(receiver.requests).hasSize(3);
        assertThat(list.page(ADMIN, "ci", 0, 1).getFirst()).extracting(Delivery::attempts, Delivery::nextAttemptAt)
                .containsExactly(3, NOW.plus(Duration.ofMinutes(2)));
    }

    @Test
    void belowTheThresholdAFailedDeliveryIsDueAgainAtOnceAndADisabledEndpointIsNotRetried() {
        triedOnce("quick", 10, Duration.ofSeconds(1), 500);
        assertThat(list.page(ADMIN, "quick", 0, 1).getFirst()).extracting(Delivery::state, Delivery::nextAttemptAt)
                .containsExactly(Delivery.State.FAILED, NOW);

        store.save(endpoint("quick", 10, Duration.ofSeconds(1), true), false);
        assertThat(list.page(ADMIN, "quick", 0, 1).getFirst().nextAttemptAt()).as("disabled: never").isNull();
        assertThat(retry.retry(ADMIN, "10.0.0.1", "quick")).isEqualTo(RetryDeliveries.Outcome.DISABLED);
        assertThat(audit.events).singleElement().satisfies(e -> assertThat(e.detail()).isEqualTo("refused: endpoint disabled"));
    }

    @Test
    void deliveriesComeAPageAtATimeNewestFirstAndAPageIsBounded() {
        store.save(endpoint("busy", 10, Duration.ofSeconds(1), false), false);
        for (int i = 0; i < 250; i++) {
            push("team/app", "t" + i);
        }
        assertThat(list.count(ADMIN, "busy")).isEqualTo(250);
        assertThat(list.page(ADMIN, "busy", 0, 10_000)).hasSize(ListDeliveries.MAX_PAGE);
        assertThat(list.page(ADMIN, "busy", 245, 50)).extracting(Delivery::tag)
                .containsExactly("t4", "t3", "t2", "t1", "t0");
        assertThat(list.page(ADMIN, "nobody", 0, 50)).isEmpty();
        assertThat(list.count(ADMIN, "nobody")).isZero();
    }
}
