package dev.berth.adapters.db;

import dev.berth.application.port.AuditLog;

import jakarta.persistence.EntityManager;
import jakarta.persistence.Query;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The audit log in {@code audit_event}. */
public final class PostgresAuditLog implements AuditLog {

    private final Jpa jpa;

    public PostgresAuditLog(MetadataDatabase database) {
        this.jpa = database.jpa();
    }

    @Override
    public void record(Event event) {
        jpa.transaction(em -> insert(em, event, null));
    }

    /**
     * Count into the key's row, else insert it. Two nodes (or requests) may each insert a first row
     * for the same key at once: two rows instead of one, still bounded.
     */
    @Override
    public void recordRepeated(Event event, String key, Instant since) {
        jpa.transaction(em -> {
            int counted = em.createNativeQuery("""
                            UPDATE audit_event SET occurrences = occurrences + 1
                            WHERE id = (SELECT id FROM audit_event WHERE repeat_key = :key AND at >= :since
                                        ORDER BY id DESC LIMIT 1)""")
                    .setParameter("key", key)
                    .setParameter("since", since)
                    .executeUpdate();
            return counted > 0 ? counted : insert(em, event, key);
        });
    }

    /** @param key null for an event recorded on its own (no untyped null parameter: Hibernate would bind bytea) */
    private static int insert(EntityManager em, Event event, String key) {
        Query insert = em.createNativeQuery("""
                        INSERT INTO audit_event (at, actor, address, action, target, success, detail, occurrences, repeat_key)
                        VALUES (:at, :actor, :address, :action, :target, :success, :detail, :occurrences, %s)"""
                .formatted(key == null ? "NULL" : ":key"));
        if (key != null) {
            insert.setParameter("key", key);
        }
        return insert.setParameter("at", event.at())
                .setParameter("actor", event.actor())
                .setParameter("address", event.address())
                .setParameter("action", event.action())
                .setParameter("target", event.target())
                .setParameter("success", event.success())
                .setParameter("detail", event.detail())
                .setParameter("occurrences", event.occurrences())
                .executeUpdate();
    }

    @Override
    public long deleteBefore(Instant before) {
        return jpa.transaction(em -> (long) em.createNativeQuery("DELETE FROM audit_event WHERE at < :before")
                .setParameter("before", before)
                .executeUpdate());
    }

    /** The newest by id, as {@link #search} orders them; the primary key's index finds the cut. */
    @Override
    public long deleteAllButNewest(long keep) {
        return jpa.transaction(em -> (long) em.createNativeQuery("""
                        DELETE FROM audit_event WHERE id <= (SELECT id FROM audit_event ORDER BY id DESC
                                                             OFFSET :keep LIMIT 1)""")
                .setParameter("keep", keep)
                .executeUpdate());
    }

    @Override
    public List<Event> recent(int limit) {
        return search(Filter.ALL, 0, limit);
    }

    /** Newest first by id: the order of recording, which the primary key's index serves. */
    @Override
    public List<Event> search(Filter filter, int offset, int limit) {
        return jpa.transaction(em -> Rows.of(bind(em.createNativeQuery(
                        "SELECT at, actor, address, action, target, success, detail, occurrences FROM audit_event"
                                + where(filter) + " ORDER BY id DESC"), filter)
                        .setFirstResult(Math.max(0, offset))
                        .setMaxResults(Math.max(0, Math.min(limit, MAX_PAGE))))
                .map(r -> new Event(Rows.instant(r[0]), (String) r[1], (String) r[2], (String) r[3], (String) r[4],
                        Rows.bool(r[5]), (String) r[6], ((Number) r[7]).intValue()))
                .toList());
    }

    @Override
    public long count(Filter filter) {
        return jpa.transaction(em -> ((Number) bind(em.createNativeQuery(
                "SELECT count(*) FROM audit_event" + where(filter)), filter).getSingleResult()).longValue());
    }

    private static String where(Filter filter) {
        List<String> conditions = new ArrayList<>();
        filter.actor().ifPresent(a -> conditions.add("actor = :actor"));
        filter.action().ifPresent(a -> conditions.add("action = :action"));
        filter.from().ifPresent(f -> conditions.add("at >= :from"));
        filter.until().ifPresent(u -> conditions.add("at < :until"));
        filter.success().ifPresent(s -> conditions.add("success = :success"));
        return conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
    }

    private static Query bind(Query query, Filter filter) {
        filter.actor().ifPresent(a -> query.setParameter("actor", a));
        filter.action().ifPresent(a -> query.setParameter("action", a));
        filter.from().ifPresent(f -> query.setParameter("from", f));
        filter.until().ifPresent(u -> query.setParameter("until", u));
        filter.success().ifPresent(s -> query.setParameter("success", s));
        return query;
    }
}
