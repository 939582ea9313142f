package dev.berth.adapters.db;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.berth.application.port.StoredManifest;
import dev.berth.domain.RepositoryName;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The manifests this node served, by repository and tag or digest, so that a pull of an unchanged
 * tag needs no database round trip. Bounded by the payload bytes it holds.
 *
 * <p>Never stale: it is used only while {@link MetadataChanges} listens, which drops a repository's
 * entries whenever a transaction, on any node or in an operator command, changes its tags or
 * manifests; this node's own writes drop them too, synchronously, before their client is answered. A
 * read that raced with a change ({@link #generation} moved while it read) does not stay cached.
 */
final class ManifestCache {

    /** About 40 000 typical manifests (500 bytes to 2 kB), or 8 of the largest allowed (4 MiB). */
    static final long MAX_BYTES = 32L << 20;
    /** What an entry costs besides its payload: keys, the record, the parsed digest. */
    private static final int ENTRY_OVERHEAD = 256;

    private final Cache<Key, Entry> entries = Caffeine.newBuilder()
            .maximumWeight(MAX_BYTES)
            .weigher((Key key, Entry entry) -> entry.manifest().payload().length + ENTRY_OVERHEAD)
            .build();
    private final AtomicLong generation = new AtomicLong();
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();
    private volatile boolean enabled;

    /** @param reference a tag or a digest, as written in the URL (a tag never holds a ':', a digest always) */
    record Key(String repository, String reference) {
    }

    /** @param repositoryId what change notifications name */
    record Entry(long repositoryId, StoredManifest manifest) {
    }

    /**
     * The cached manifest, else what {@code load} finds (then kept unless a change raced with it).
     * Outside any cache while disabled.
     */
    Optional<StoredManifest> get(RepositoryName repository, String reference, Supplier<Optional<Entry>> load) {
        if (!enabled) {
            return load.get().map(Entry::manifest);
        }
        Key key = new Key(repository.value(), reference);
        Entry cached = entries.getIfPresent(key);
        if (cached != null) {
            hits.incrementAndGet();
            return Optional.of(cached.manifest());
        }
        misses.incrementAndGet();
        long before = generation.get();
        Optional<Entry> loaded = load.get();
        loaded.ifPresent(entry -> {
            entries.put(key, entry);
            // an invalidation bumps the generation before it removes: either it removes this entry,
            // or this thread sees the bump here and removes it
            if (generation.get() != before || !enabled) {
                entries.invalidate(key);
            }
        });
        return loaded.map(Entry::manifest);
    }

    /**
     * Called in a transaction that changes the repository's tags or manifests: drops its entries once
     * it commits, before this node answers the client that asked for the change.
     */
    void changedOnCommit(Jpa jpa, RepositoryName repository) {
        jpa.afterCommit(() -> repositoryChanged(repository.value()));
    }

    private void repositoryChanged(String repository) {
        generation.incrementAndGet();
        entries.asMap().keySet().removeIf(key -> key.repository().equals(repository));
    }

    /** When a change notification names the repository. */
    void repositoryChanged(long repositoryId) {
        generation.incrementAndGet();
        entries.asMap().values().removeIf(entry -> entry.repositoryId() == repositoryId);
    }

    /** Used from now on, empty: the listener has just started listening, having possibly missed changes. */
    void enable() {
        clear();
        enabled = true;
    }

    /** Not used (and emptied) while changes may go unheard: the listener lost its connection. */
    void disable() {
        enabled = false;
        clear();
    }

    private void clear() {
        generation.incrementAndGet();
        entries.invalidateAll();
    }

    long hits() {
        return hits.get();
    }

    long misses() {
        return misses.get();
    }
}
