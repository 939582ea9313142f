package dev.berth.adapters.db;

import dev.berth.application.event.EventAction;
import dev.berth.application.port.ActivityStore;

import java.time.LocalDate;

/** Pushes and pulls per day in {@code daily_activity}. */
public final class PostgresActivityStore implements ActivityStore {

    private final Jpa jpa;

    public PostgresActivityStore(MetadataDatabase database) {
        this.jpa = database.jpa();
    }

    @Override
    public void add(LocalDate day, EventAction action, long count) {
        // an upsert that adds: every node's flush lands, whichever comes first
        jpa.transaction(em -> em.createNativeQuery("""
                        INSERT INTO daily_activity (day, action, count) VALUES (:day, :action, :count)
                        ON CONFLICT (day, action) DO UPDATE SET count = daily_activity.count + EXCLUDED.count""")
                .setParameter("day", day)
                .setParameter("action", action.wireName())
                .setParameter("count", count)
                .executeUpdate());
    }

    @Override
    public long count(LocalDate day, EventAction action) {
        return jpa.transaction(em -> em.createNativeQuery(
                        "SELECT a.count FROM daily_activity a WHERE a.day = :day AND a.action = :action")
                .setParameter("day", day)
                .setParameter("action", action.wireName())
                .getResultStream()
                .mapToLong(count -> ((Number) count).longValue())
                .findFirst()
                .orElse(0L));
    }
}
