package dev.berth.adapters.db;

import dev.berth.application.event.EventAction;
import dev.berth.application.port.EventOutbox;

import java.sql.PreparedStatement;
import java.util.Arrays;
import java.util.Set;

/** The outbox in the {@code event} and {@code event_delivery} tables (V5__notifications.sql). */
public final class PostgresEventOutbox implements EventOutbox {

    /**
     * One round trip: the event is stored only if some enabled endpoint lets it through, with a
     * pending delivery for each such endpoint. Distribution's ignore rules, in SQL.
     */
    private static final String ADD = """
            WITH wanted AS (
                SELECT id FROM notification_endpoint
                WHERE NOT disabled
                  AND NOT (?::text = ANY (ignored_actions))
                  AND (?::text IS NULL OR NOT (?::text = ANY (ignored_media_types)))
            ), added AS (
                INSERT INTO event (payload) SELECT ? WHERE EXISTS (SELECT 1 FROM wanted) RETURNING id
            )
            INSERT INTO event_delivery (endpoint_id, event_id) SELECT wanted.id, added.id FROM wanted, added""";

    private final Jpa jpa;
    private final WantedEvents wantedEvents;

    public PostgresEventOutbox(MetadataDatabase database) {
        this.jpa = database.jpa();
        this.wantedEvents = database.wantedEvents();
    }

    /** From memory while the filters are known (see {@link WantedEvents}), else from the table. */
    @Override
    public boolean wants(EventAction action, String mediaType) {
        if (jpa.inTransaction()) {
            // add() filters in SQL; and what this transaction changed must not be kept in memory
            return true;
        }
        return wantedEvents.wanted(action, mediaType, () -> jpa.transaction(em -> Rows.of(em.createNativeQuery("""
                        SELECT ignored_actions, ignored_media_types FROM notification_endpoint WHERE NOT disabled"""))
                .map(row -> new WantedEvents.Filter(Set.copyOf(Arrays.asList((String[]) row[0])),
                        Set.copyOf(Arrays.asList((String[]) row[1]))))
                .toList()));
    }

    @Override
    public void add(EventAction action, String mediaType, String json) {
        jpa.jdbc(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(ADD)) {
                insert.setString(1, action.wireName());
                insert.setString(2, mediaType);
                insert.setString(3, mediaType);
                insert.setString(4, json);
                return insert.executeUpdate();
            }
        });
    }
}
