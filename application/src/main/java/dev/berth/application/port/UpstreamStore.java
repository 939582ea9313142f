package dev.berth.application.port;

import dev.berth.application.upstream.Upstream;

import java.util.List;
import java.util.Optional;

/**
 * Port: the upstreams administrators added, shared by every node. Passwords are sealed at rest. A
 * change tells every node once it commits, which then routes by the new list
 * ({@link #onChange}).
 */
public interface UpstreamStore {

    /** Every stored upstream, by prefix. */
    List<Upstream> list();

    Optional<Upstream> find(String prefix);

    /**
     * Stores the upstream, replacing the one under {@code replacing} (its prefix may change on an edit).
     *
     * @return false when {@code replacing} names none any more (removed meanwhile), or the prefix is taken
     */
    boolean save(Optional<String> replacing, Upstream upstream);

    /** @return false when there was no such upstream */
    boolean remove(String prefix);

    /**
     * Runs {@code listener} whenever the stored upstreams may have changed, on any node (and once this
     * node may have missed changes, e.g. after its database connection came back).
     */
    void onChange(Runnable listener);
}
