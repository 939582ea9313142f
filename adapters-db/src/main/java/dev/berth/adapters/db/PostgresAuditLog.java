package dev.berth.adapters.db;

import dev.berth.application.port.AuditLog;

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
        return jpa.transaction(em -> Rows.of(em.createNativeQuery("""
                        SELECT at, actor, address, action, target, success, detail FROM audit_event
                        ORDER BY id DESC""")
                .setMaxResults(limit))
                .map(r -> new Event(Rows.instant(r[0]), (String) r[1], (String) r[2], (String) r[3], (String) r[4],
                        Rows.bool(r[5]), (String) r[6]))
                .toList());
    }
}
