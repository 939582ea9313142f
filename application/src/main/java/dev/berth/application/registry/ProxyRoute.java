package dev.berth.application.registry;

import dev.berth.application.port.UpstreamRegistry;
import dev.berth.domain.RepositoryName;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One upstream a pull-through cache mirrors, under a namespace prefix: {@code hub/library/alpine}
 * with prefix {@code hub/} is {@code library/alpine} upstream. The empty prefix mirrors the whole
 * registry (Distribution's {@code proxy} section).
 *
 * @param ttl      how long a tag checked against the upstream is served without asking again
 * @param maxBytes what the cached images of the upstream may store at most before the least recently
 *                 pulled are evicted; 0: no limit
 */
public record ProxyRoute(String prefix, Duration ttl, long maxBytes, UpstreamRegistry upstream) {

    /** Without a size limit. */
    public ProxyRoute(String prefix, Duration ttl, UpstreamRegistry upstream) {
        this(prefix, ttl, 0, upstream);
    }

    public ProxyRoute {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("negative maxBytes");
        }
        Objects.requireNonNull(upstream);
        if (!prefix.isEmpty() && !prefix.endsWith("/")) {
            throw new IllegalArgumentException("a prefix ends with '/': " + prefix);
        }
        if (ttl.isNegative()) {
            throw new IllegalArgumentException("negative ttl");
        }
    }

    /** The repository's name upstream, when it lies under this route's prefix. */
    public Optional<RepositoryName> remoteName(RepositoryName local) {
        String name = local.toString();
        return name.startsWith(prefix) && name.length() > prefix.length()
                ? Optional.of(RepositoryName.parse(name.substring(prefix.length())))
                : Optional.empty();
    }
}
