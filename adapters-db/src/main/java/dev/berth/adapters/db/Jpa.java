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

import java.util.function.Function;

/**
 * Runs database work in a transaction: the one bound to this thread by an enclosing call (see
 * {@link JpaTransactions}), else a short one of its own. One instance per {@link MetadataDatabase},
 * shared by all its stores, so that they all join the same transaction.
 */
final class Jpa {

    private final EntityManagerFactory entityManagerFactory;
    private final ThreadLocal<EntityManager> bound = new ThreadLocal<>();

    Jpa(EntityManagerFactory entityManagerFactory) {
        this.entityManagerFactory = entityManagerFactory;
    }

    /**
     * Runs {@code work} in the current thread's transaction, or in a new one that commits when it
     * returns. Any exception rolls the transaction back, the enclosing one included: a caller that
     * catches it cannot commit half of its work.
     */
    <T> T transaction(Function<EntityManager, T> work) {
        EntityManager current = bound.get();
        if (current != null) {
            return joining(current, work);
        }
        try {
            return inNewTransaction(work);
        } catch (RuntimeException e) {
            if (unreachable(e)) {
                // the database is down or unreachable: a registry error clients retry on, not a 500
                throw new UnavailableException("the metadata database is unavailable", e);
            }
            throw e;
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
            bound.set(em);
            try {
                tx.begin();
                T result = work.apply(em);
                if (tx.getRollbackOnly()) {
                    throw new IllegalStateException("Transaction rolled back: work inside it failed");
                }
                tx.commit();
                return result;
            } catch (RuntimeException | Error e) {
                rollback(tx, e);
                throw e;
            } finally {
                bound.remove();
            }
        }
    }

    private static <T> T joining(EntityManager em, Function<EntityManager, T> work) {
        try {
            T result = work.apply(em);
            // Stores hand out records, never entities: emptying the persistence context after each
            // call means a later read in this transaction cannot see an entity that a bulk or
            // native update has changed behind Hibernate's back.
            em.flush();
            em.clear();
            return result;
        } catch (RuntimeException | Error e) {
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
