package dev.berth.application.fake;

import dev.berth.application.contract.GarbageCollectionStoreContract;
import dev.berth.application.contract.MetadataPorts;

class InMemoryGarbageCollectionContractTest extends GarbageCollectionStoreContract {

    @Override
    protected Stores emptyStores() {
        InMemoryMetadata metadata = new InMemoryMetadata();
        return new Stores(new MetadataPorts(metadata, metadata, metadata, metadata, metadata, metadata, metadata), metadata,
                metadata);
    }
}
