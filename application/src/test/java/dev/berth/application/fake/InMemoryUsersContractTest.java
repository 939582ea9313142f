package dev.berth.application.fake;

import dev.berth.application.contract.SecurityStoresContract;

class InMemoryUsersContractTest extends SecurityStoresContract {

    @Override
    protected Stores emptyStores() {
        InMemoryUsers users = new InMemoryUsers();
        return new Stores(users, users, users, users, new InMemoryAdminSessions());
    }
}
