package dev.berth.application.system;

import java.time.Duration;

/** What an operator sees first: version, where bytes and metadata live, and for how long Berth has run. */
public record SystemOverview(String version, String listenAddress, Duration uptime,
                             StorageStatus.StorageReport storage, DatabaseStatus.DatabaseReport database) {
}
