package dev.berth.application.system;

import java.time.Instant;
import java.util.Optional;

/**
 * Facts about this running Berth process, supplied by the composition root.
 *
 * @param publicUrl {@code http.host}: the base URL clients reach Berth at, when configured
 */
public record InstanceInfo(String version, Instant startedAt, String listenAddress, Optional<String> publicUrl) {
}
