package dev.berth.application.event;

import dev.berth.application.access.Administration;
import dev.berth.application.port.NotificationStore;
import dev.berth.application.port.NotificationStore.DeliveryRecord;
import dev.berth.domain.access.Caller;
import dev.berth.domain.json.Json;
import dev.berth.domain.json.JsonObject;
import dev.berth.domain.json.JsonString;
import dev.berth.domain.json.JsonSyntaxException;
import dev.berth.domain.json.JsonValue;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Use case: an endpoint's deliveries, newest first, a page at a time (a busy registry holds many:
 * every event of the retention period); for admins.
 */
@Dependent
public class ListDeliveries {

    /** Stored events carry their references (an index lists every platform): keep a page small. */
    public static final int MAX_PAGE = 200;
    private static final JsonObject NOTHING = new JsonObject(Map.of());

    private final NotificationStore store;

    @Inject
    public ListDeliveries(NotificationStore store) {
        this.store = store;
    }

    /** At most {@link #MAX_PAGE} deliveries; none for an unknown endpoint. */
    public List<Delivery> page(Caller actor, String endpoint, int offset, int limit) {
        Administration.requireAdmin(actor);
        return store.deliveries(endpoint, Math.max(0, offset), Math.max(0, Math.min(limit, MAX_PAGE))).stream()
                .map(ListDeliveries::delivery).toList();
    }

    public long count(Caller actor, String endpoint) {
        Administration.requireAdmin(actor);
        return store.countDeliveries(endpoint);
    }

    private static Delivery delivery(DeliveryRecord r) {
        JsonObject event = parse(r.json());
        JsonObject target = event.get("target") instanceof JsonObject t ? t : NOTHING;
        Delivery.State state = r.deliveredAt() != null ? Delivery.State.DELIVERED
                : r.attempts() > 0 ? Delivery.State.FAILED : Delivery.State.PENDING;
        return new Delivery(r.eventId(), r.queuedAt(), text(event, "action"), text(target, "repository"),
                text(target, "tag"), text(target, "digest"), state, r.attempts(), r.lastAttemptAt(), r.lastStatus(),
                r.deliveredAt(), state == Delivery.State.DELIVERED ? null : r.nextAttemptAt());
    }

    /** Berth wrote every stored event itself; should one be unreadable, its row still shows, without details. */
    private static JsonObject parse(String json) {
        try {
            return Json.parse(json.getBytes(StandardCharsets.UTF_8)) instanceof JsonObject o ? o : NOTHING;
        } catch (JsonSyntaxException e) {
            return NOTHING;
        }
    }

    private static String text(JsonObject object, String key) {
        JsonValue value = object.get(key);
        return value instanceof JsonString s ? s.value() : null;
    }
}
