package dev.berth.application.port;

import java.util.function.Supplier;

/**
 * Port: runs work in one metadata transaction, so that what a use case changes becomes visible all
 * together or not at all. Nested calls join the outer transaction.
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
