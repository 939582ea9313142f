package dev.berth.adapters.db;

import dev.berth.application.event.EndpointStatus;
import dev.berth.application.event.EnvelopeFormat;
import dev.berth.application.event.EventAction;
import dev.berth.application.event.NotificationEndpoint;
import dev.berth.application.port.NotificationStore.Claim;
import dev.berth.application.port.NotificationStore.DeliveryRecord;
import dev.berth.application.port.NotificationStore.QueuedEvent;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The outbox and the delivery queues on a real PostgreSQL. */
class PostgresNotificationStoreTest {

    @RegisterExtension
    static final TestDatabase postgres = new TestDatabase();
    private PostgresNotificationStore store;
    private PostgresEventOutbox outbox;
    private JpaTransactions transactions;

    @BeforeEach
    void emptyEndpoints() {
        store = new PostgresNotificationStore(postgres.database());
        outbox = new PostgresEventOutbox(postgres.database());
        transactions = new JpaTransactions(postgres.database());
        store.statuses().forEach(s -> store.remove(s.endpoint().name()));
        // events of removed endpoints are waiting for no one
        store.pruneDelivered(Instant.now().plusSeconds(3600));
    }

    private static NotificationEndpoint endpoint(String name, Set<String> ignoredTypes, Set<EventAction> ignoredActions) {
        return endpoint(name, ignoredTypes, ignoredActions, false);
    }

    private static NotificationEndpoint endpoint(String name, Set<String> ignoredTypes, Set<EventAction> ignoredActions,
                                                 boolean disabled) {
        return new NotificationEndpoint(name, URI.create("http://127.0.0.1:1/" + name),
                Map.of("Authorization", List.of("Bearer x")), Duration.ofSeconds(1), 3, Duration.ofSeconds(2),
                ignoredTypes, ignoredActions, EnvelopeFormat.V1, Optional.of("0123456789abcdef"), disabled);
    }

    private static Instant later() {
        return Instant.now().plusSeconds(1);
    }

    @Test
    void eventsNoEndpointWantsAreNotStoredAndIgnoreRulesApplyPerEndpoint() {
        outbox.add(EventAction.PUSH, "application/octet-stream", "{\"n\":0}");
        store.save(endpoint("all", Set.of(), Set.of()), true);
        store.save(endpoint("no-blobs-no-pulls", Set.of("application/octet-stream"), Set.of(EventAction.PULL)), false);

        outbox.add(EventAction.PUSH, "application/octet-stream", "{\"n\":1}");
        outbox.add(EventAction.PULL, "application/vnd.oci.image.manifest.v1+json", "{\"n\":2}");
        outbox.add(EventAction.DELETE, null, "{\"n\":3}");

        assertThat(json(store.claim("all", later(), 10))).containsExactly("{\"n\":1}", "{\"n\":2}", "{\"n\":3}");
        assertThat(json(store.claim("no-blobs-no-pulls", later(), 10))).containsExactly("{\"n\":3}");
        EndpointStatus status = store.statuses().getFirst();
        assertThat(status.endpoint()).isEqualTo(endpoint("all", Set.of(), Set.of()));
        assertThat(status.queueDepth()).isEqualTo(3);
    }

    @Test
    void aClaimedEndpointIsSkippedByOtherNodesUntilItsTransactionEnds() throws Exception {
        store.save(endpoint("one", Set.of(), Set.of()), true);
        outbox.add(EventAction.PUSH, null, "{\"n\":1}");
        CountDownLatch claimed = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Void> holder = CompletableFuture.runAsync(() -> transactions.run(() -> {
            assertThat(store.claim("one", later(), 10)).isPresent();
            claimed.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        assertThat(claimed.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(transactions.inTransaction(() -> store.claim("one", later(), 10))).as("locked elsewhere").isEmpty();
        release.countDown();
        holder.get(10, TimeUnit.SECONDS);
        assertThat(transactions.inTransaction(() -> store.claim("one", later(), 10))).isPresent();
    }

    @Test
    void deliveredEventsLeaveTheQueueFailuresPostponeItAndPruningForgetsOldDeliveries() {
        store.save(endpoint("one", Set.of(), Set.of()), true);
        outbox.add(EventAction.PUSH, null, "{\"n\":1}");
        outbox.add(EventAction.PUSH, null, "{\"n\":2}");
        Instant now = Instant.now();

        Claim first = transactions.inTransaction(() -> store.claim("one", later(), 1)).orElseThrow();
        store.failed(first, "503", now, now.plusSeconds(60));
        assertThat(store.due(later())).isEmpty();
        assertThat(transactions.inTransaction(() -> store.claim("one", later(), 1))).as("not due").isEmpty();
        EndpointStatus failed = store.statuses().getFirst();
        assertThat(failed.lastStatus()).isEqualTo("503");
        assertThat(failed.consecutiveFailures()).isEqualTo(1);

        Claim retry = store.claim("one", now.plusSeconds(61), 1).orElseThrow();
        assertThat(json(Optional.of(retry))).containsExactly("{\"n\":1}");
        store.delivered(retry, "200", now);
        EndpointStatus delivered = store.statuses().getFirst();
        assertThat(delivered.consecutiveFailures()).isZero();
        assertThat(delivered.totalFailures()).isEqualTo(1);
        assertThat(delivered.delivered()).isEqualTo(1);
        assertThat(delivered.queueDepth()).isEqualTo(1);
        assertThat(json(store.claim("one", later(), 10))).containsExactly("{\"n\":2}");

        assertThat(store.pruneDelivered(Instant.now().plusSeconds(5))).isEqualTo(1);
        assertThat(json(store.claim("one", later(), 10))).as("pending events stay").containsExactly("{\"n\":2}");
    }

    /** Issue 13: the deliveries page reads each delivery's attempts, and Retry now brings the next attempt forward. */
    @Test
    void eachDeliveryKeepsItsAttemptsAndStatusAndRetryMakesTheQueueDueInItsOrder() {
        store.save(endpoint("one", Set.of(), Set.of()), false);
        for (int n = 1; n <= 3; n++) {
            outbox.add(EventAction.PUSH, null, "{\"n\":" + n + "}");
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS).plusSeconds(1);
        Instant inAnHour = now.plusSeconds(3600);
        Claim firstTwo = transactions.inTransaction(() -> store.claim("one", now, 2)).orElseThrow();
        store.failed(firstTwo, "ConnectException: Connection refused", now, inAnHour);

        List<DeliveryRecord> failed = store.deliveries("one", 0, 10);
        assertThat(failed).extracting(DeliveryRecord::json).as("newest first")
                .containsExactly("{\"n\":3}", "{\"n\":2}", "{\"n\":1}");
        assertThat(failed).extracting(DeliveryRecord::attempts).containsExactly(0, 1, 1);
        assertThat(failed).extracting(DeliveryRecord::lastStatus)
                .containsExactly(null, "ConnectException: Connection refused", "ConnectException: Connection refused");
        assertThat(failed.get(1).lastAttemptAt()).isEqualTo(now);
        assertThat(failed).extracting(DeliveryRecord::nextAttemptAt).containsOnly(inAnHour);
        assertThat(failed).extracting(DeliveryRecord::deliveredAt).containsOnlyNulls();
        assertThat(store.deliveries("one", 1, 1)).extracting(DeliveryRecord::json).containsExactly("{\"n\":2}");
        assertThat(store.countDeliveries("one")).isEqualTo(3);
        assertThat(store.deliveries("ghost", 0, 10)).isEmpty();
        assertThat(store.countDeliveries("ghost")).isZero();

        Instant retried = now.plusSeconds(5);
        assertThat(store.attemptNow("one", retried)).isTrue();
        assertThat(store.attemptNow("one", retried.plusSeconds(7200))).as("never postpones").isTrue();
        assertThat(store.attemptNow("ghost", retried)).isFalse();
        assertThat(store.due(retried)).containsExactly("one");
        Claim all = transactions.inTransaction(() -> store.claim("one", retried, 10)).orElseThrow();
        assertThat(json(Optional.of(all))).as("oldest first, as before").containsExactly("{\"n\":1}", "{\"n\":2}", "{\"n\":3}");
        store.delivered(all, "202", retried);

        List<DeliveryRecord> delivered = store.deliveries("one", 0, 10);
        assertThat(delivered).extracting(DeliveryRecord::attempts).containsExactly(1, 2, 2);
        assertThat(delivered).extracting(DeliveryRecord::lastStatus).containsOnly("202");
        assertThat(delivered).extracting(DeliveryRecord::deliveredAt).containsOnly(retried);
        assertThat(store.statuses().getFirst().consecutiveFailures()).isZero();
    }

    @Test
    void aDisabledEndpointsWaitingDeliveriesHaveNoNextAttempt() {
        store.save(endpoint("paused", Set.of(), Set.of()), false);
        outbox.add(EventAction.PUSH, null, "{\"n\":1}");
        store.save(endpoint("paused", Set.of(), Set.of(), true), false);
        assertThat(store.deliveries("paused", 0, 10)).singleElement()
                .satisfies(d -> assertThat(d.nextAttemptAt()).isNull());
    }

    @Test
    void configurationSeedingKeepsRunTimeEndpoints() {
        store.save(endpoint("configured", Set.of(), Set.of()), true);
        store.save(endpoint("runtime", Set.of(), Set.of()), false);
        store.removeConfiguredExcept(List.of());
        assertThat(store.statuses()).extracting(s -> s.endpoint().name()).containsExactly("runtime");
    }

    private static List<String> json(Optional<Claim> claim) {
        return claim.orElseThrow().events().stream().map(QueuedEvent::json).toList();
    }
}
