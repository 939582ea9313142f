package dev.berth.application.event;

import dev.berth.application.port.ActivityStore;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts manifest pushes and pulls per UTC day. The pull path is hot, so counting is an in-memory
 * increment; {@link #flush} (every few seconds and at shutdown, by the composition root) adds what
 * was counted since to the {@link ActivityStore}, which sums all nodes. One instance per JVM.
 */
public class ActivityCounter {

    private record Key(LocalDate day, EventAction action) {
    }

    private final ActivityStore store;
    private final Clock clock;
    private final Map<Key, LongAdder> unflushed = new ConcurrentHashMap<>();

    public ActivityCounter(ActivityStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public void count(EventAction action) {
        unflushed.computeIfAbsent(new Key(today(), action), k -> new LongAdder()).increment();
    }

    /** Today's number of all nodes as flushed, plus what this node counted and has not flushed yet. */
    public long countToday(EventAction action) {
        LocalDate today = today();
        LongAdder pending = unflushed.get(new Key(today, action));
        return store.count(today, action) + (pending == null ? 0 : pending.sum());
    }

    /**
     * Adds the counts to the store, each day and action in its own step; a count that could not be
     * stored is kept for the next flush, and the failure is thrown.
     */
    public synchronized void flush() {
        LocalDate today = today();
        RuntimeException failure = null;
        for (Map.Entry<Key, LongAdder> entry : unflushed.entrySet()) {
            Key key = entry.getKey();
            if (key.day().isBefore(today)) {
                // past days get no new adders; an increment racing with midnight may be lost, at most a few
                unflushed.remove(key);
            }
            long count = entry.getValue().sumThenReset();
            if (count == 0) {
                continue;
            }
            try {
                store.add(key.day(), key.action(), count);
            } catch (RuntimeException e) {
                unflushed.computeIfAbsent(key, k -> new LongAdder()).add(count);
                failure = failure == null ? e : failure;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private LocalDate today() {
        return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    }
}
