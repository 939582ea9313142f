package dev.berth.application.fake;

import dev.berth.application.contract.RetentionPorts;
import dev.berth.application.contract.RetentionStoreContract;

class InMemoryRetentionContractTest extends RetentionStoreContract {

    @Override
    protected RetentionPorts emptyStore() {
        InMemoryMetadata metadata = new InMemoryMetadata();
        return new RetentionPorts(metadata, metadata, metadata, metadata, metadata);
    }
}
