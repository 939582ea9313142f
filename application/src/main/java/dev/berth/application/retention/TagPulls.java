package dev.berth.application.retention;

import dev.berth.application.port.RetentionStore;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.Tag;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When tags were last pulled, for the keep-pulled-within rule. The pull path is hot, so a pull only
 * notes the time in memory; {@link #flush} (every few seconds and at shutdown, by the composition
 * root) writes what was noted in one batched update. One instance per JVM. At most
 * {@link #MAX_PENDING} tags wait between flushes; pulls of further tags in that interval are not
 * noted (a day-granular rule loses nothing to a few seconds).
 */
public class TagPulls {

    static final int MAX_PENDING = 100_000;

    private final RetentionStore store;
    private final Clock clock;
    private final Map<RetentionStore.TagRef, Instant> pending = new ConcurrentHashMap<>();

    public TagPulls(RetentionStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public void pulled(RepositoryName repository, Tag tag) {
        RetentionStore.TagRef ref = new RetentionStore.TagRef(repository, tag);
        if (pending.size() < MAX_PENDING || pending.containsKey(ref)) {
            pending.put(ref, clock.instant());
        }
    }

    /** Writes the noted pulls; what could not be written is noted again for the next flush, and the failure thrown. */
    public synchronized void flush() {
        if (pending.isEmpty()) {
            return;
        }
        Map<RetentionStore.TagRef, Instant> batch = new HashMap<>();
        for (RetentionStore.TagRef ref : pending.keySet()) {
            Instant at = pending.remove(ref);
            if (at != null) {
                batch.put(ref, at);
            }
        }
        try {
            store.pulled(batch);
        } catch (RuntimeException e) {
            batch.forEach((ref, at) -> pending.merge(ref, at, (a, b) -> a.isAfter(b) ? a : b));
            throw e;
        }
    }
}
