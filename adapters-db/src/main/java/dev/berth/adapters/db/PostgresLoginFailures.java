package dev.berth.adapters.db;

import dev.berth.application.port.LoginFailures;

import java.time.Instant;

/** Failed logins in {@code login_failure}, where every node counts them; the composition root prunes old rows. */
public final class PostgresLoginFailures implements LoginFailures {

    private final Jpa jpa;

    public PostgresLoginFailures(MetadataDatabase database) {
        this.jpa = database.jpa();
    }

    @Override
    public void record(String subject, Instant at) {
        jpa.transaction(em -> em.createNativeQuery("INSERT INTO login_failure (subject, failed_at) VALUES (:subject, :at)")
                .setParameter("subject", subject)
                .setParameter("at", at)
                .executeUpdate());
    }

    @Override
    public int countSince(String subject, Instant since) {
        return jpa.transaction(em -> ((Number) em.createNativeQuery(
                        "SELECT count(*) FROM login_failure WHERE subject = :subject AND failed_at >= :since")
                .setParameter("subject", subject)
                .setParameter("since", since)
                .getSingleResult()).intValue());
    }

    @Override
    public void clear(String subject) {
        jpa.transaction(em -> em.createNativeQuery("DELETE FROM login_failure WHERE subject = :subject")
                .setParameter("subject", subject)
                .executeUpdate());
    }

    @Override
    public long pruneBefore(Instant before) {
        return jpa.transaction(em -> (long) em.createNativeQuery("DELETE FROM login_failure WHERE failed_at < :before")
                .setParameter("before", before)
                .executeUpdate());
    }
}
