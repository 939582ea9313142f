package dev.berth.application.fake;

import dev.berth.application.contract.MaintenanceStoreContract;
import dev.berth.application.port.MaintenanceStore;

class InMemoryMaintenanceContractTest extends MaintenanceStoreContract {

    @Override
    protected MaintenanceStore emptyStore() {
        return new InMemoryMaintenance();
    }
}
