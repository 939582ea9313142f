package dev.berth.application.system;

import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.time.Clock;
import java.time.Duration;

/** Use case: describe this Berth instance for the admin dashboard. */
@Dependent
public class DescribeSystem {

    private final InstanceInfo instance;
    private final StorageStatus storage;
    private final DatabaseStatus database;
    private final Clock clock;

    @Inject
    public DescribeSystem(InstanceInfo instance, StorageStatus storage, DatabaseStatus database, Clock clock) {
        this.instance = instance;
        this.storage = storage;
        this.database = database;
        this.clock = clock;
    }

    public SystemOverview describe() {
        Duration uptime = Duration.between(instance.startedAt(), clock.instant());
        return new SystemOverview(instance.version(), instance.listenAddress(),
                uptime.isNegative() ? Duration.ZERO : uptime, storage.report(), database.report());
    }
}
