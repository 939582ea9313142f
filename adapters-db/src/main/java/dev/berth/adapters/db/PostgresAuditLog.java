package dev.berth.adapters.db;

import dev.berth.application.port.AuditLog;

import jakarta.persistence.Query;

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
        jpa.transaction(em -> em.createNativeQuery("""
                        INSERT INTO audit_event (at, actor, address, action, target, success, detail)
                        VALUES (:at, :actor, :address, :action, :target, :success, :detail)""")
                .setParameter("at", event.at())
                .setParameter("actor", event.actor())
                .setParameter("address", event.address())
                .setParameter("action", event.action())
                .setParameter("target", event.target())
                .setParameter("success", event.success())
                .setParameter("detail", event.detail())
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
                        "SELECT at, actor, address, action, target, success, detail FROM audit_event"
                                + where(filter) + " ORDER BY id DESC"), filter)
                        .setFirstResult(Math.max(0, offset))
                        .setMaxResults(Math.max(0, Math.min(limit, MAX_PAGE))))
                .map(r -> new Event(Rows.instant(r[0]), (String) r[1], (String) r[2], (String) r[3], (String) r[4],
                        Rows.bool(r[5]), (String) r[6]))
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
