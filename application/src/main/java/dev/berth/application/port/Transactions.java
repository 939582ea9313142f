package dev.berth.application.port;

import java.util.function.Supplier;

/**
 * Port: runs work in one metadata transaction, so that what a use case changes becomes visible all
 * together or not at all. Nested calls join the outer transaction. When the database aborts the
 * transaction to break a deadlock, the work runs again: whatever it does outside the database (storage
 * commits and deletions, deliveries) must be safe to do twice.
 */
public interface Transactions {

    <T> T inTransaction(Supplier<T> work);

    default void run(Runnable work) {
        inTransaction(() -> {
            work.run();
            return null;
        });
    }
}
