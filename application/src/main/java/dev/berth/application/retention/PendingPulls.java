package dev.berth.application.retention;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * When things (tags, manifests) were last pulled, noted in memory on the hot pull path and written in
 * one batch by {@link #flush}. At most {@link #MAX_PENDING} wait between flushes; pulls of others in
 * that interval are not noted (rules judging by days or by order lose nothing to a few seconds).
 */
public final class PendingPulls<K> {

    static final int MAX_PENDING = 100_000;

    private final Map<K, Instant> pending = new ConcurrentHashMap<>();

    public void pulled(K key, Instant at) {
        if (pending.size() < MAX_PENDING || pending.containsKey(key)) {
            pending.put(key, at);
        }
    }

    /** Hands what was noted to {@code write}; what it could not write is noted again, and its failure thrown. */
    public synchronized void flush(Consumer<Map<K, Instant>> write) {
        if (pending.isEmpty()) {
            return;
        }
        Map<K, Instant> batch = new HashMap<>();
        for (K key : pending.keySet()) {
            Instant at = pending.remove(key);
            if (at != null) {
                batch.put(key, at);
            }
        }
        try {
            write.accept(batch);
        } catch (RuntimeException e) {
            batch.forEach((key, at) -> pending.merge(key, at, (a, b) -> a.isAfter(b) ? a : b));
            throw e;
        }
    }
}
