package dev.berth.adapters.db;

import dev.berth.application.event.EndpointStatus;
import dev.berth.application.event.EnvelopeFormat;
import dev.berth.application.event.EventAction;
import dev.berth.application.event.NotificationEndpoint;
import dev.berth.application.port.NotificationStore;

import java.net.URI;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Endpoints and delivery queues in {@code notification_endpoint} and {@code event_delivery}
 * (V5__notifications.sql). An endpoint's headers (they may carry credentials) and signing key are
 * sealed with the secrets key ({@link SecretBox}), bound to the endpoint's name.
 */
public final class PostgresNotificationStore implements NotificationStore {

    private static final String SETTINGS = "id, name, url, headers, timeout_ms, threshold, backoff_ms, "
            + "ignored_media_types, ignored_actions, format, signing_key, disabled";

    private final Jpa jpa;
    private final SecretBox secrets;
    private final WantedEvents wantedEvents;

    public PostgresNotificationStore(MetadataDatabase database) {
        this.jpa = database.jpa();
        this.secrets = database.secrets();
        this.wantedEvents = database.wantedEvents();
    }

    @Override
    public void save(NotificationEndpoint e, boolean fromConfiguration) {
        jpa.jdbc(c -> {
            wantedEvents.changedOnCommit(jpa);
            try (PreparedStatement upsert = c.prepareStatement("""
                    INSERT INTO notification_endpoint (name, url, headers, timeout_ms, threshold, backoff_ms,
                        ignored_media_types, ignored_actions, format, signing_key, disabled, from_configuration)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (name) DO UPDATE SET url = EXCLUDED.url, headers = EXCLUDED.headers,
                        timeout_ms = EXCLUDED.timeout_ms, threshold = EXCLUDED.threshold,
                        backoff_ms = EXCLUDED.backoff_ms, ignored_media_types = EXCLUDED.ignored_media_types,
                        ignored_actions = EXCLUDED.ignored_actions, format = EXCLUDED.format,
                        signing_key = EXCLUDED.signing_key, disabled = EXCLUDED.disabled,
                        from_configuration = EXCLUDED.from_configuration""")) {
                upsert.setString(1, e.name());
                upsert.setString(2, e.url().toString());
                upsert.setArray(3, c.createArrayOf("text", headerLines(e.name(), e.headers())));
                upsert.setLong(4, e.timeout().toMillis());
                upsert.setInt(5, e.threshold());
                upsert.setLong(6, e.backoff().toMillis());
                upsert.setArray(7, c.createArrayOf("text", e.ignoredMediaTypes().toArray()));
                upsert.setArray(8, c.createArrayOf("text",
                        e.ignoredActions().stream().map(EventAction::wireName).toArray()));
                upsert.setString(9, e.format().name().toLowerCase(Locale.ROOT));
                upsert.setString(10, e.signingKey().map(key -> secrets.sealText(key, signingKeyWhere(e.name()))).orElse(null));
                upsert.setBoolean(11, e.disabled());
                upsert.setBoolean(12, fromConfiguration);
                return upsert.executeUpdate();
            }
        });
    }

    @Override
    public boolean remove(String name) {
        return jpa.jdbc(c -> {
            wantedEvents.changedOnCommit(jpa);
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM notification_endpoint WHERE name = ?")) {
                delete.setString(1, name);
                return delete.executeUpdate() > 0;
            }
        });
    }

    @Override
    public void removeConfiguredExcept(List<String> names) {
        jpa.jdbc(c -> {
            wantedEvents.changedOnCommit(jpa);
            try (PreparedStatement delete = c.prepareStatement(
                    "DELETE FROM notification_endpoint WHERE from_configuration AND NOT (name = ANY (?))")) {
                delete.setArray(1, c.createArrayOf("text", names.toArray()));
                return delete.executeUpdate();
            }
        });
    }

    @Override
    public List<EndpointStatus> statuses() {
        return jpa.jdbc(c -> {
            try (PreparedStatement query = c.prepareStatement("SELECT " + SETTINGS + """
                    , last_status, last_attempt_at, last_success_at, consecutive_failures, total_failures, delivered,
                      next_attempt_at,
                      (SELECT count(*) FROM event_delivery d WHERE d.endpoint_id = e.id AND d.delivered_at IS NULL)
                    FROM notification_endpoint e ORDER BY name""");
                 ResultSet rs = query.executeQuery()) {
                List<EndpointStatus> statuses = new ArrayList<>();
                while (rs.next()) {
                    statuses.add(new EndpointStatus(endpoint(rs), rs.getString(13), instant(rs, 14), instant(rs, 15),
                            rs.getInt(16), rs.getLong(17), rs.getLong(18), rs.getLong(20), instant(rs, 19)));
                }
                return statuses;
            }
        });
    }

    @Override
    public List<String> due(Instant now) {
        return jpa.jdbc(c -> {
            try (PreparedStatement query = c.prepareStatement("""
                    SELECT name FROM notification_endpoint e
                    WHERE NOT disabled AND next_attempt_at <= ?
                      AND EXISTS (SELECT 1 FROM event_delivery d WHERE d.endpoint_id = e.id AND d.delivered_at IS NULL)
                    ORDER BY name""")) {
                query.setTimestamp(1, Timestamp.from(now));
                try (ResultSet rs = query.executeQuery()) {
                    List<String> names = new ArrayList<>();
                    while (rs.next()) {
                        names.add(rs.getString(1));
                    }
                    return names;
                }
            }
        });
    }

    @Override
    public Optional<Claim> claim(String name, Instant now, int max) {
        return jpa.jdbc(c -> {
            NotificationEndpoint endpoint;
            long id;
            int failures;
            try (PreparedStatement lock = c.prepareStatement("SELECT " + SETTINGS + ", consecutive_failures "
                    + "FROM notification_endpoint WHERE name = ? AND NOT disabled AND next_attempt_at <= ? "
                    + "FOR UPDATE SKIP LOCKED")) {
                lock.setString(1, name);
                lock.setTimestamp(2, Timestamp.from(now));
                try (ResultSet rs = lock.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    id = rs.getLong(1);
                    endpoint = endpoint(rs);
                    failures = rs.getInt(13);
                }
            }
            try (PreparedStatement queued = c.prepareStatement("""
                    SELECT ev.id, ev.payload FROM event_delivery d JOIN event ev ON ev.id = d.event_id
                    WHERE d.endpoint_id = ? AND d.delivered_at IS NULL
                    ORDER BY d.event_id LIMIT ?""")) {
                queued.setLong(1, id);
                queued.setInt(2, max);
                try (ResultSet rs = queued.executeQuery()) {
                    List<QueuedEvent> events = new ArrayList<>();
                    while (rs.next()) {
                        events.add(new QueuedEvent(rs.getLong(1), rs.getString(2)));
                    }
                    return Optional.of(new Claim(id, endpoint, failures, events));
                }
            }
        });
    }

    @Override
    public void delivered(Claim claim, String status, Instant now) {
        jpa.jdbc(c -> {
            attempted(c, claim, "delivered_at = ?, ", status, now);
            try (PreparedStatement endpoint = c.prepareStatement("""
                    UPDATE notification_endpoint SET consecutive_failures = 0, delivered = delivered + ?,
                        last_status = ?, last_attempt_at = ?, last_success_at = ?, next_attempt_at = ?
                    WHERE id = ?""")) {
                endpoint.setLong(1, claim.events().size());
                endpoint.setString(2, status);
                endpoint.setTimestamp(3, Timestamp.from(now));
                endpoint.setTimestamp(4, Timestamp.from(now));
                endpoint.setTimestamp(5, Timestamp.from(now));
                endpoint.setLong(6, claim.endpointId());
                return endpoint.executeUpdate();
            }
        });
    }

    @Override
    public void failed(Claim claim, String status, Instant now, Instant nextAttempt) {
        jpa.jdbc(c -> {
            attempted(c, claim, "", status, now);
            try (PreparedStatement endpoint = c.prepareStatement("""
                    UPDATE notification_endpoint SET consecutive_failures = consecutive_failures + 1,
                        total_failures = total_failures + 1, last_status = ?, last_attempt_at = ?, next_attempt_at = ?
                    WHERE id = ?""")) {
                endpoint.setString(1, bounded(status));
                endpoint.setTimestamp(2, Timestamp.from(now));
                endpoint.setTimestamp(3, Timestamp.from(nextAttempt));
                endpoint.setLong(4, claim.endpointId());
                return endpoint.executeUpdate();
            }
        });
    }

    /** Each claimed delivery records the attempt; {@code delivered} sets more columns when it succeeded. */
    private static void attempted(Connection c, Claim claim, String delivered, String status, Instant now)
            throws SQLException {
        try (PreparedStatement update = c.prepareStatement("UPDATE event_delivery SET " + delivered
                + "attempts = attempts + 1, last_attempt_at = ?, last_status = ? "
                + "WHERE endpoint_id = ? AND event_id = ANY (?)")) {
            int i = 1;
            if (!delivered.isEmpty()) {
                update.setTimestamp(i++, Timestamp.from(now));
            }
            update.setTimestamp(i++, Timestamp.from(now));
            update.setString(i++, bounded(status));
            update.setLong(i++, claim.endpointId());
            update.setArray(i, c.createArrayOf("bigint", claim.events().stream().map(QueuedEvent::id).toArray()));
            update.executeUpdate();
        }
    }

    /** An error text can be long (a stack of causes); the page and the log need its start. */
    private static String bounded(String status) {
        return status.length() > 500 ? status.substring(0, 500) : status;
    }

    @Override
    public List<DeliveryRecord> deliveries(String endpoint, int offset, int limit) {
        return jpa.jdbc(c -> {
            // the primary key (endpoint_id, event_id) serves the order, so a page costs its rows only
            try (PreparedStatement query = c.prepareStatement("""
                    SELECT ev.id, ev.created_at, ev.payload, d.attempts, d.last_attempt_at, d.last_status,
                           d.delivered_at, CASE WHEN e.disabled THEN NULL ELSE e.next_attempt_at END
                    FROM notification_endpoint e
                    JOIN event_delivery d ON d.endpoint_id = e.id
                    JOIN event ev ON ev.id = d.event_id
                    WHERE e.name = ?
                    ORDER BY d.event_id DESC OFFSET ? LIMIT ?""")) {
                query.setString(1, endpoint);
                query.setInt(2, offset);
                query.setInt(3, limit);
                try (ResultSet rs = query.executeQuery()) {
                    List<DeliveryRecord> page = new ArrayList<>();
                    while (rs.next()) {
                        page.add(new DeliveryRecord(rs.getLong(1), instant(rs, 2), rs.getString(3), rs.getInt(4),
                                instant(rs, 5), rs.getString(6), instant(rs, 7), instant(rs, 8)));
                    }
                    return page;
                }
            }
        });
    }

    @Override
    public long countDeliveries(String endpoint) {
        return jpa.jdbc(c -> {
            try (PreparedStatement query = c.prepareStatement("""
                    SELECT count(*) FROM event_delivery d JOIN notification_endpoint e ON e.id = d.endpoint_id
                    WHERE e.name = ?""")) {
                query.setString(1, endpoint);
                try (ResultSet rs = query.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    @Override
    public boolean attemptNow(String endpoint, Instant now) {
        return jpa.jdbc(c -> {
            // waits for a delivery in flight (it holds the row) and then, if that one failed, undoes its pause
            try (PreparedStatement update = c.prepareStatement(
                    "UPDATE notification_endpoint SET next_attempt_at = LEAST(next_attempt_at, ?) WHERE name = ?")) {
                update.setTimestamp(1, Timestamp.from(now));
                update.setString(2, endpoint);
                return update.executeUpdate() > 0;
            }
        });
    }

    @Override
    public long pruneDelivered(Instant cutoff) {
        return jpa.jdbc(c -> {
            try (PreparedStatement deliveries = c.prepareStatement(
                    "DELETE FROM event_delivery WHERE delivered_at < ?")) {
                deliveries.setTimestamp(1, Timestamp.from(cutoff));
                deliveries.executeUpdate();
            }
            try (PreparedStatement events = c.prepareStatement("""
                    DELETE FROM event ev WHERE ev.created_at < ?
                      AND NOT EXISTS (SELECT 1 FROM event_delivery d WHERE d.event_id = ev.id)""")) {
                events.setTimestamp(1, Timestamp.from(cutoff));
                return (long) events.executeUpdate();
            }
        });
    }

    /** The endpoint settings in the first columns of {@link #SETTINGS}' order. */
    /** @throws SecretBox.Unreadable when its headers or signing key were sealed with another secrets key */
    private NotificationEndpoint endpoint(ResultSet rs) throws SQLException {
        Set<EventAction> actions = new LinkedHashSet<>();
        for (String action : strings(rs.getArray(9))) {
            actions.add(EventAction.parse(action));
        }
        String name = rs.getString(2);
        List<String> headerLines = new ArrayList<>();
        for (String line : strings(rs.getArray(4))) {
            headerLines.add(secrets.openText(line, headersWhere(name)));
        }
        return new NotificationEndpoint(name, URI.create(rs.getString(3)), headers(headerLines),
                Duration.ofMillis(rs.getLong(5)), rs.getInt(6), Duration.ofMillis(rs.getLong(7)),
                new LinkedHashSet<>(strings(rs.getArray(8))), actions, EnvelopeFormat.parse(rs.getString(10)),
                Optional.ofNullable(rs.getString(11)).map(key -> secrets.openText(key, signingKeyWhere(name))),
                rs.getBoolean(12));
    }

    static String headersWhere(String endpoint) {
        return "notification_endpoint.headers name=" + endpoint;
    }

    static String signingKeyWhere(String endpoint) {
        return "notification_endpoint.signing_key name=" + endpoint;
    }

    private static List<String> strings(Array array) throws SQLException {
        return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
    }

    private Object[] headerLines(String endpoint, Map<String, List<String>> headers) {
        List<String> lines = new ArrayList<>();
        headers.forEach((name, values) -> values.forEach(value ->
                lines.add(secrets.sealText(name + ": " + value, headersWhere(endpoint)))));
        return lines.toArray();
    }

    private static Map<String, List<String>> headers(List<String> lines) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String line : lines) {
            int colon = line.indexOf(':');
            headers.computeIfAbsent(line.substring(0, colon), k -> new ArrayList<>()).add(line.substring(colon + 2));
        }
        return headers;
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        Timestamp timestamp = rs.getTimestamp(column);
        return timestamp == null ? null : timestamp.toInstant();
    }
}
