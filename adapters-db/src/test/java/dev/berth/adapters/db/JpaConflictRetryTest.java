package dev.berth.adapters.db;

import jakarta.persistence.PersistenceException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Transactions that PostgreSQL aborts to break a deadlock run again instead of failing their request. */
class JpaConflictRetryTest {

    @RegisterExtension
    static final TestDatabase postgres = new TestDatabase();
    private static Jpa jpa;

    @BeforeAll
    static void startPostgres() {
        jpa = postgres.database().jpa();
        jpa.transaction(em -> em.createNativeQuery("CREATE TABLE conflict_probe (id INTEGER PRIMARY KEY, writes INTEGER NOT NULL)")
                .executeUpdate());
    }

    @BeforeEach
    void twoRows() {
        jpa.transaction(em -> {
            em.createNativeQuery("DELETE FROM conflict_probe").executeUpdate();
            return em.createNativeQuery("INSERT INTO conflict_probe VALUES (1, 0), (2, 0)").executeUpdate();
        });
    }

    @Test
    void twoTransactionsLockingRowsInOppositeOrdersBothCommitAndOneRanTwice() throws Exception {
        CyclicBarrier bothHoldTheirFirstRow = new CyclicBarrier(2);
        AtomicInteger runs = new AtomicInteger();
        // one thread each: the common pool may have just one on a small machine
        ExecutorService threads = Executors.newFixedThreadPool(2);

        List<CompletableFuture<Integer>> writers = List.of(1, 2).stream().map(first -> CompletableFuture.supplyAsync(
                () -> jpa.transaction(em -> {
                    boolean firstRun = runs.incrementAndGet() <= 2;
                    increment(em, first);
                    if (firstRun) {
                        await(bothHoldTheirFirstRow);
                    }
                    return increment(em, 3 - first);
                }), threads)).toList();

        for (CompletableFuture<Integer> writer : writers) {
            writer.get(30, TimeUnit.SECONDS);
        }
        threads.shutdown();
        assertThat(runs).as("the deadlock's loser ran again").hasValue(3);
        assertThat(writes(1)).isEqualTo(2);
        assertThat(writes(2)).isEqualTo(2);
    }

    @Test
    void aConflictCaughtInsideTheWorkStillRunsItAgain() {
        AtomicInteger runs = new AtomicInteger();

        jpa.transaction(em -> {
            increment(em, 1);
            if (runs.incrementAndGet() == 1) {
                try {
                    jpa.transaction(inner -> {
                        throw new PersistenceException("aborted", new java.sql.SQLException("deadlock detected", "40P01"));
                    });
                } catch (PersistenceException swallowed) {
                    // the work carries on, but its transaction is lost: it must not commit half
                }
            }
            return null;
        });

        assertThat(runs).hasValue(2);
        assertThat(writes(1)).as("only the second run committed").isEqualTo(1);
    }

    @Test
    void otherFailuresAndConflictsThatNeverEndAreNotRepeated() {
        AtomicInteger runs = new AtomicInteger();
        assertThatThrownBy(() -> jpa.transaction(em -> {
            runs.incrementAndGet();
            return em.createNativeQuery("INSERT INTO conflict_probe VALUES (1, 0)").executeUpdate();
        })).isInstanceOf(PersistenceException.class);
        assertThat(runs).as("a duplicate key is no conflict").hasValue(1);

        runs.set(0);
        assertThatThrownBy(() -> jpa.transaction(em -> {
            runs.incrementAndGet();
            throw new PersistenceException("aborted", new java.sql.SQLException("could not serialize", "40001"));
        })).isInstanceOf(PersistenceException.class);
        assertThat(runs).hasValue(Jpa.ATTEMPTS);
        assertThat(writes(1)).isZero();
    }

    private static int increment(jakarta.persistence.EntityManager em, int id) {
        return em.createNativeQuery("UPDATE conflict_probe SET writes = writes + 1 WHERE id = :id")
                .setParameter("id", id).executeUpdate();
    }

    private static int writes(int id) {
        return jpa.transaction(em -> ((Number) em.createNativeQuery("SELECT writes FROM conflict_probe WHERE id = :id")
                .setParameter("id", id).getSingleResult()).intValue());
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
