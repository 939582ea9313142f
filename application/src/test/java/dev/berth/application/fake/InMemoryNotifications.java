package dev.berth.application.fake;

import dev.berth.application.event.EndpointStatus;
import dev.berth.application.event.NotificationEndpoint;
import dev.berth.application.port.NotificationStore;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Endpoints and their queues in memory, for use-case tests: one node, so a claim locks nothing.
 * {@link #queue} stands for the outbox (every enabled endpoint gets the event; ignore rules are the
 * PostgreSQL adapter's, tested there).
 */
public final class InMemoryNotifications implements NotificationStore {

    private static final class Endpoint {
        final long id;
        NotificationEndpoint settings;
        boolean fromConfiguration;
        int consecutiveFailures;
        long totalFailures;
        long delivered;
        String lastStatus;
        Instant lastAttemptAt;
        Instant lastSuccessAt;
        Instant nextAttemptAt = Instant.EPOCH;
        final TreeMap<Long, Delivery> deliveries = new TreeMap<>();

        Endpoint(long id) {
            this.id = id;
        }

        List<Delivery> waiting() {
            return deliveries.values().stream().filter(d -> d.deliveredAt == null).toList();
        }
    }

    private static final class Delivery {
        final long eventId;
        int attempts;
        Instant lastAttemptAt;
        String lastStatus;
        Instant deliveredAt;

        Delivery(long eventId) {
            this.eventId = eventId;
        }
    }

    private record Event(Instant createdAt, String json) {
    }

    private final Map<String, Endpoint> endpoints = new TreeMap<>();
    private final TreeMap<Long, Event> events = new TreeMap<>();
    private long lastEventId;
    private long lastEndpointId;

    /** The outbox's part: the event waits for every enabled endpoint. */
    public synchronized void queue(String json, Instant at) {
        long id = ++lastEventId;
        events.put(id, new Event(at, json));
        endpoints.values().stream().filter(e -> !e.settings.disabled())
                .forEach(e -> e.deliveries.put(id, new Delivery(id)));
    }

    @Override
    public synchronized void save(NotificationEndpoint endpoint, boolean fromConfiguration) {
        Endpoint e = endpoints.computeIfAbsent(endpoint.name(), name -> new Endpoint(++lastEndpointId));
        e.settings = endpoint;
        e.fromConfiguration = fromConfiguration;
    }

    @Override
    public synchronized boolean remove(String name) {
        return endpoints.remove(name) != null;
    }

    @Override
    public synchronized void removeConfiguredExcept(List<String> names) {
        endpoints.values().removeIf(e -> e.fromConfiguration && !names.contains(e.settings.name()));
    }

    @Override
    public synchronized List<EndpointStatus> statuses() {
        return endpoints.values().stream().map(e -> new EndpointStatus(e.settings, e.lastStatus, e.lastAttemptAt,
                e.lastSuccessAt, e.consecutiveFailures, e.totalFailures, e.delivered, e.waiting().size(),
                e.nextAttemptAt)).toList();
    }

    @Override
    public synchronized List<String> due(Instant now) {
        return endpoints.values().stream().filter(e -> isDue(e, now)).map(e -> e.settings.name()).toList();
    }

    private static boolean isDue(Endpoint e, Instant now) {
        return !e.settings.disabled() && !e.nextAttemptAt.isAfter(now) && !e.waiting().isEmpty();
    }

    @Override
    public synchronized Optional<Claim> claim(String name, Instant now, int max) {
        Endpoint e = endpoints.get(name);
        if (e == null || e.settings.disabled() || e.nextAttemptAt.isAfter(now)) {
            return Optional.empty();
        }
        List<QueuedEvent> head = e.waiting().stream().limit(max)
                .map(d -> new QueuedEvent(d.eventId, events.get(d.eventId).json())).toList();
        return Optional.of(new Claim(e.id, e.settings, e.consecutiveFailures, head));
    }

    @Override
    public synchronized void delivered(Claim claim, String status, Instant now) {
        Endpoint e = claimed(claim, status, now);
        claim.events().forEach(q -> e.deliveries.get(q.id()).deliveredAt = now);
        e.consecutiveFailures = 0;
        e.delivered += claim.events().size();
        e.lastSuccessAt = now;
        e.nextAttemptAt = now;
    }

    @Override
    public synchronized void failed(Claim claim, String status, Instant now, Instant nextAttempt) {
        Endpoint e = claimed(claim, status, now);
        e.consecutiveFailures++;
        e.totalFailures++;
        e.nextAttemptAt = nextAttempt;
    }

    private Endpoint claimed(Claim claim, String status, Instant now) {
        Endpoint e = endpoints.values().stream().filter(x -> x.id == claim.endpointId()).findFirst().orElseThrow();
        for (QueuedEvent q : claim.events()) {
            Delivery d = e.deliveries.get(q.id());
            d.attempts++;
            d.lastAttemptAt = now;
            d.lastStatus = status;
        }
        e.lastStatus = status;
        e.lastAttemptAt = now;
        return e;
    }

    @Override
    public synchronized List<DeliveryRecord> deliveries(String endpoint, int offset, int limit) {
        Endpoint e = endpoints.get(endpoint);
        if (e == null) {
            return List.of();
        }
        List<DeliveryRecord> page = new ArrayList<>();
        e.deliveries.descendingMap().values().stream().skip(offset).limit(limit).forEach(d -> page.add(
                new DeliveryRecord(d.eventId, events.get(d.eventId).createdAt(), events.get(d.eventId).json(),
                        d.attempts, d.lastAttemptAt, d.lastStatus, d.deliveredAt,
                        d.deliveredAt != null || e.settings.disabled() ? null : e.nextAttemptAt)));
        return page;
    }

    @Override
    public synchronized long countDeliveries(String endpoint) {
        Endpoint e = endpoints.get(endpoint);
        return e == null ? 0 : e.deliveries.size();
    }

    @Override
    public synchronized boolean attemptNow(String endpoint, Instant now) {
        Endpoint e = endpoints.get(endpoint);
        if (e == null) {
            return false;
        }
        e.nextAttemptAt = e.nextAttemptAt.isAfter(now) ? now : e.nextAttemptAt;
        return true;
    }

    @Override
    public synchronized long pruneDelivered(Instant cutoff) {
        endpoints.values().forEach(e -> e.deliveries.values()
                .removeIf(d -> d.deliveredAt != null && d.deliveredAt.isBefore(cutoff)));
        List<Long> unwanted = events.entrySet().stream()
                .filter(ev -> ev.getValue().createdAt().isBefore(cutoff)
                        && endpoints.values().stream().noneMatch(e -> e.deliveries.containsKey(ev.getKey())))
                .map(Map.Entry::getKey).toList();
        unwanted.forEach(events::remove);
        return unwanted.size();
    }
}
