package dev.berth.adapters.db;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.berth.application.port.StoredManifest;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.Tag;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The manifests this node served, by repository and tag or digest, and the pages of tag lists it
 * served, so that a pull of an unchanged tag or a listing of unchanged tags needs no database round
 * trip. Bounded by the bytes it holds.
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

    private final Cache<Key, Held> entries = Caffeine.newBuilder()
            .maximumWeight(MAX_BYTES)
            .weigher((Key key, Held held) -> held.weight() + ENTRY_OVERHEAD)
            .build();
    private final AtomicLong generation = new AtomicLong();
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();
    private volatile boolean enabled;

    /**
     * @param reference a tag or a digest, as written in the URL (a tag never holds a ':', a digest
     *                  always), or a page of tags (with a space, which neither ever holds)
     */
    record Key(String repository, String reference) {
    }

    /** @param repositoryId what change notifications name */
    record Entry(long repositoryId, StoredManifest manifest) {
    }

    /** @param repositoryId what change notifications name; the page is not empty (an empty one names no repository) */
    record TagPage(long repositoryId, List<Tag> tags) {
    }

    /** What the cache holds: a manifest or a page of tags, and what it costs. */
    private record Held(long repositoryId, int weight, Object value) {
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
        Held cached = entries.getIfPresent(key);
        if (cached != null) {
            hits.incrementAndGet();
            return Optional.of((StoredManifest) cached.value());
        }
        misses.incrementAndGet();
        return keep(key, () -> load.get().map(e -> new Held(e.repositoryId(), e.manifest().payload().length, e.manifest())))
                .map(held -> (StoredManifest) held.value());
    }

    /** The cached page of the repository's tags after {@code after}, else what {@code load} finds. */
    @SuppressWarnings("unchecked")
    List<Tag> tagPage(RepositoryName repository, String after, int limit, Supplier<Optional<TagPage>> load) {
        if (!enabled) {
            return load.get().map(TagPage::tags).orElse(List.of());
        }
        Key key = new Key(repository.value(), "tags " + after + " " + limit);
        Held cached = entries.getIfPresent(key);
        if (cached != null) {
            return (List<Tag>) cached.value();
        }
        return keep(key, () -> load.get().map(page -> new Held(page.repositoryId(),
                        page.tags().stream().mapToInt(tag -> tag.value().length() + 16).sum(), page.tags())))
                .map(held -> (List<Tag>) held.value()).orElse(List.of());
    }

    private Optional<Held> keep(Key key, Supplier<Optional<Held>> load) {
        long before = generation.get();
        Optional<Held> loaded = load.get();
        loaded.ifPresent(held -> {
            entries.put(key, held);
            // an invalidation bumps the generation before it removes: either it removes this entry,
            // or this thread sees the bump here and removes it
            if (generation.get() != before || !enabled) {
                entries.invalidate(key);
            }
        });
        return loaded;
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
        entries.asMap().values().removeIf(held -> held.repositoryId() == repositoryId);
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
