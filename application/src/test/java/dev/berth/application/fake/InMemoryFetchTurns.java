package dev.berth.application.fake;

import dev.berth.application.port.BlobFetchTurns;
import dev.berth.domain.Digest;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The nodes' fetch turns in one JVM: one permit per digest, shared by every "node" (every caller).
 * Counts the takes that had to wait, so that a test sees a second node stood in line.
 */
public final class InMemoryFetchTurns implements BlobFetchTurns {

    private final Map<Digest, Semaphore> turns = new ConcurrentHashMap<>();
    /** The release of each turn held: what a dying holder leaves behind. */
    private final Map<Digest, Runnable> held = new ConcurrentHashMap<>();
    public final AtomicInteger waited = new AtomicInteger();

    @Override
    public Optional<Turn> take(Digest digest, Duration patience) {
        Semaphore turn = turns.computeIfAbsent(digest, d -> new Semaphore(1));
        try {
            if (!turn.tryAcquire()) {
                waited.incrementAndGet();
                if (!turn.tryAcquire(patience.toNanos(), TimeUnit.NANOSECONDS)) {
                    return Optional.empty();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the turn", e);
        }
        AtomicBoolean open = new AtomicBoolean(true);
        Runnable release = () -> {
            if (open.compareAndSet(true, false)) {
                held.remove(digest);
                turn.release();
            }
        };
        held.put(digest, release);
        return Optional.of(release::run);
    }

    /** The holder of the digest's turn dies: the turn ends without its holder closing it. */
    public void dieHolding(Digest digest) {
        Runnable release = held.get(digest);
        if (release == null) {
            throw new IllegalStateException("nobody holds the turn of " + digest);
        }
        release.run();
    }
}
