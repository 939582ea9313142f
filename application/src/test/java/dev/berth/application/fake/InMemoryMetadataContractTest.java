package dev.berth.application.fake;

import dev.berth.application.contract.MetadataPorts;
import dev.berth.application.contract.MetadataStoreContract;

class InMemoryMetadataContractTest extends MetadataStoreContract {

    @Override
    protected MetadataPorts emptyStore() {
        InMemoryMetadata metadata = new InMemoryMetadata();
        return new MetadataPorts(metadata, metadata, metadata, metadata, metadata, metadata, metadata);
    }
}
