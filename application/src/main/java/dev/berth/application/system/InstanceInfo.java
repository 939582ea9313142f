package dev.berth.application.system;

import java.time.Instant;

/** Facts about this running Berth process, supplied by the composition root. */
public record InstanceInfo(String version, Instant startedAt, String listenAddress) {
}
