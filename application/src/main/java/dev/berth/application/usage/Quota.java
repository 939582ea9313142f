package dev.berth.application.usage;

import java.util.OptionalLong;

/**
 * A namespace's limits; both empty means none.
 *
 * @param maxBytes        stored bytes (distinct blobs plus manifests)
 * @param maxRepositories repositories
 */
public record Quota(OptionalLong maxBytes, OptionalLong maxRepositories) {

    public static final Quota NONE = new Quota(OptionalLong.empty(), OptionalLong.empty());

    public Quota {
        if (maxBytes.orElse(0) < 0 || maxRepositories.orElse(0) < 0) {
            throw new IllegalArgumentException("a quota is zero or more");
        }
    }

    public boolean limits() {
        return maxBytes.isPresent() || maxRepositories.isPresent();
    }
}
