package dev.berth.adapters.db;

import dev.berth.domain.error.UnavailableException;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.EntityTransaction;
import jakarta.persistence.PersistenceException;
import jakarta.persistence.Query;
import org.hibernate.Session;

import java.net.ConnectException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * Runs database work in a transaction: the one bound to this thread by an enclosing call (see
 * {@link JpaTransactions}), else a short one of its own. One instance per {@link MetadataDatabase},
 * shared by all its stores, so that they all join the same transaction.
 */
final class Jpa {

    private static final Logger LOG = Logger.getLogger(Jpa.class.getName());
    /**
     * How often a transaction runs when PostgreSQL keeps aborting it to break a deadlock. Counters kept
     * by triggers (a repository's, its namespace's, a blob's review) are rows that concurrent pushes and
     * deletions lock in the order their statements meet them; PostgreSQL resolves a cycle by aborting one
     * transaction, and running that one again is what it expects of its clients.
     */
    static final int ATTEMPTS = 6;

    private final EntityManagerFactory entityManagerFactory;
    private final AtomicLong conflicts = new AtomicLong();
    private final ThreadLocal<Bound> bound = new ThreadLocal<>();

    /** The transaction bound to this thread, and the first failure met inside it (which rolls it back). */
    private static final class Bound {
        final EntityManager em;
        RuntimeException failure;
        final List<Runnable> afterCommit = new ArrayList<>();

        Bound(EntityManager em) {
            this.em = em;
        }
    }

    Jpa(EntityManagerFactory entityManagerFactory) {
        this.entityManagerFactory = entityManagerFactory;
    }

    /**
     * Runs {@code work} in the current thread's transaction, or in a new one that commits when it
     * returns. Any exception rolls the transaction back, the enclosing one included: a caller that
     * catches it cannot commit half of its work. A new transaction that PostgreSQL aborts to break a
     * deadlock or a serialization conflict runs again, {@code work} included, up to {@link #ATTEMPTS}
     * times: work must be repeatable (its effects outside the database idempotent).
     */
    <T> T transaction(Function<EntityManager, T> work) {
        Bound current = bound.get();
        if (current != null) {
            return joining(current, work);
        }
        for (int attempt = 1; ; attempt++) {
            try {
                return inNewTransaction(work);
            } catch (RuntimeException e) {
                if (unreachable(e)) {
                    // the database is down or unreachable: a registry error clients retry on, not a 500
                    throw new UnavailableException("the metadata database is unavailable", e);
                }
                if (attempt == ATTEMPTS || !conflicted(e)) {
                    throw e;
                }
                conflicts.incrementAndGet();
                int tried = attempt;
                LOG.fine(() -> "Transaction aborted by a conflict, running it again (attempt " + (tried + 1) + "): " + e);
                pause(attempt, e);
            }
        }
    }

    /**
     * Runs {@code action} once the transaction open on this thread has committed (never when it rolls
     * back), or at once when none is open: what this node keeps in memory of the rows the transaction
     * changed is dropped before the caller can answer its client.
     */
    void afterCommit(Runnable action) {
        Bound current = bound.get();
        if (current == null) {
            action.run();
        } else {
            current.afterCommit.add(action);
        }
    }

    /** Whether this thread is inside a transaction, whose reads may see its own uncommitted writes. */
    boolean inTransaction() {
        return bound.get() != null;
    }

    /** How many transactions ran again after a conflict: none while every writer keeps V17's lock order. */
    long conflictsRetried() {
        return conflicts.get();
    }

    /** Aborted to break a deadlock (40P01) or a serialization conflict (40001): running it again may succeed. */
    static boolean conflicted(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof SQLException sql && ("40P01".equals(sql.getSQLState())
                    || "40001".equals(sql.getSQLState()))) {
                return true;
            }
        }
        return false;
    }

    /** A random pause growing with each attempt, so that the transactions that collided do not meet again at once. */
    private static void pause(int attempt, RuntimeException conflict) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(1, 10L << attempt));
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw conflict;
        }
    }

    /** Connection failures: the pool timed out, or the server refused, closed or is shutting down. */
    static boolean unreachable(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof SQLTransientConnectionException || cause instanceof ConnectException) {
                return true;
            }
            if (cause instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P"))) {
                return true;
            }
        }
        return false;
    }

    private <T> T inNewTransaction(Function<EntityManager, T> work) {
        try (EntityManager em = entityManagerFactory.createEntityManager()) {
            EntityTransaction tx = em.getTransaction();
            Bound current = new Bound(em);
            bound.set(current);
            try {
                tx.begin();
                T result = work.apply(em);
                if (tx.getRollbackOnly()) {
                    throw new IllegalStateException("Transaction rolled back: work inside it failed", current.failure);
                }
                tx.commit();
                current.afterCommit.forEach(Runnable::run);
                return result;
            } catch (RuntimeException | Error e) {
                rollback(tx, e);
                throw e;
            } finally {
                bound.remove();
            }
        }
    }

    private static <T> T joining(Bound current, Function<EntityManager, T> work) {
        EntityManager em = current.em;
        try {
            T result = work.apply(em);
            // Stores hand out records, never entities: emptying the persistence context after each
            // call means a later read in this transaction cannot see an entity that a bulk or
            // native update has changed behind Hibernate's back.
            em.flush();
            em.clear();
            return result;
        } catch (RuntimeException e) {
            if (current.failure == null) {
                current.failure = e;
            }
            em.getTransaction().setRollbackOnly();
            throw e;
        } catch (Error e) {
            em.getTransaction().setRollbackOnly();
            throw e;
        }
    }

    private static void rollback(EntityTransaction tx, Throwable cause) {
        try {
            if (tx.isActive()) {
                tx.rollback();
            }
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    /** Plain JDBC on the transaction's connection, for what JPA queries express badly (arrays, RETURNING). */
    <T> T jdbc(SqlWork<T> work) {
        return transaction(em -> em.unwrap(Session.class).doReturningWork(connection -> {
            try {
                return work.apply(connection);
            } catch (SQLException e) {
                throw new PersistenceException(e.getMessage(), e);
            }
        }));
    }

    interface SqlWork<T> {
        T apply(Connection connection) throws SQLException;
    }

    /** Whether a query finds at least one row, reading at most one. */
    static boolean exists(Query query) {
        return !query.setMaxResults(1).getResultList().isEmpty();
    }
}
