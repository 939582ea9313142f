package dev.berth.adapters.storage.inmemory;

import dev.berth.adapters.storage.contract.BlobStoreContract;
import dev.berth.application.port.BlobStore;

import static org.assertj.core.api.Assertions.assertThat;

class InMemoryBlobStoreTest extends BlobStoreContract {

    @Override
    protected BlobStore newStore() {
        return new InMemoryBlobStore();
    }

    /** Memory does not survive a restart; the same instance stands in for the surviving storage. */
    @Override
    protected BlobStore reopen(BlobStore previous) {
        return previous;
    }

    @Override
    protected void assertNoUploadsLeft() {
        assertThat(((InMemoryBlobStore) store).hasUploads()).isFalse();
    }
}
