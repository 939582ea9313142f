package dev.berth.adapters.storage.inmemory;

import dev.berth.adapters.storage.contract.BlobStoreContract;
import dev.berth.application.port.BlobStore;

import java.time.Clock;

class InMemoryBlobStoreTest extends BlobStoreContract {

    @Override
    protected BlobStore newStore() {
        return new InMemoryBlobStore(Clock.systemUTC());
    }

    /** Memory does not survive a restart; the same instance stands in for the surviving storage. */
    @Override
    protected BlobStore reopen(BlobStore previous) {
        return previous;
    }
}
