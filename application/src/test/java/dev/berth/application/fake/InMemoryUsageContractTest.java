package dev.berth.application.fake;

import dev.berth.application.contract.StorageUsageStoreContract;
import dev.berth.application.contract.UsagePorts;

class InMemoryUsageContractTest extends StorageUsageStoreContract {

    @Override
    protected UsagePorts emptyStore() {
        InMemoryMetadata metadata = new InMemoryMetadata();
        return new UsagePorts(metadata, metadata, metadata, metadata, metadata);
    }
}
