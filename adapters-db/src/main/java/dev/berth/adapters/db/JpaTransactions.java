package dev.berth.adapters.db;

import dev.berth.application.port.Transactions;

import java.util.function.Supplier;

/**
 * One metadata transaction around a use case: the stores of the same {@link MetadataDatabase}
 * called on this thread meanwhile join it. Nested calls join too; an exception rolls it all back.
 */
public final class JpaTransactions implements Transactions {

    private final Jpa jpa;

    public JpaTransactions(MetadataDatabase database) {
        this.jpa = database.jpa();
    }

    @Override
    public <T> T inTransaction(Supplier<T> work) {
        return jpa.transaction(em -> work.get());
    }
}
