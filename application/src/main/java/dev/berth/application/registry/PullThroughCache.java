package dev.berth.application.registry;

import dev.berth.application.port.ManifestStore;
import dev.berth.application.port.UpstreamRegistry.UpstreamException;
import dev.berth.application.retention.PendingPulls;
import dev.berth.domain.Digest;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.Tag;
import dev.berth.domain.error.UnavailableException;
import dev.berth.domain.error.UnsupportedException;

import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * The configured upstreams and what the pull-through use cases share in this JVM: when each cached
 * tag was last checked upstream, the upstream's tag lists, the blob fetches in flight (so that concurrent requests for one
 * digest fetch it once) and the counters the metrics report. One instance per JVM, made by the
 * composition root. A second node checks its tags on its own; its blob fetches wait for another
 * node's fetch of the same blob ({@link dev.berth.application.port.BlobFetchTurns}); what one node
 * stored, every node serves.
 */
public class PullThroughCache {

    /** Tags in the order the tag store lists them: by code points, as PostgreSQL's "C" collation. */
    static final Comparator<Tag> TAG_ORDER = Comparator.comparing(Tag::value);
    private static final int MAX_LISTED_REPOSITORIES = 1_000;

    /** Replaced whole, never edited in place, when administrators change the upstreams. */
    private volatile List<ProxyRoute> routes;
    private final Map<TagKey, Instant> checked = new ConcurrentHashMap<>();
    /** The upstream's tag lists, the most recently listed repositories only. */
    private final Map<RepositoryName, ListedTags> listedTags = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<RepositoryName, ListedTags> eldest) {
            return size() > MAX_LISTED_REPOSITORIES;
        }
    };
    final Map<Digest, CompletableFuture<Void>> fetching = new ConcurrentHashMap<>();
    /** Pulls of cached manifests noted since the last flush (the pull path writes nothing itself). */
    private final PendingPulls<ManifestStore.ManifestRef> pulls = new PendingPulls<>();
    /** Routes that stored something since their size was last checked against their limit. */
    private final Set<ProxyRoute> grown = ConcurrentHashMap.newKeySet();
    final LongAdder hits = new LongAdder();
    final LongAdder misses = new LongAdder();
    final LongAdder stale = new LongAdder();
    final LongAdder upstreamErrors = new LongAdder();
    final LongAdder bytesFetched = new LongAdder();
    final LongAdder evicted = new LongAdder();

    public PullThroughCache(List<ProxyRoute> routes) {
        this.routes = List.copyOf(routes);
        // a limit lowered since the last start applies at the first eviction run
        routes.stream().filter(route -> route.maxBytes() > 0).forEach(grown::add);
    }

    /**
     * Routes by {@code replacement} from now on (upstreams added, edited or removed in the admin UI).
     * Requests under way finish with the route they found; tag checks and fetches in flight stay shared.
     */
    public void replaceRoutes(List<ProxyRoute> replacement) {
        List<ProxyRoute> next = List.copyOf(replacement);
        next.stream().filter(route -> route.maxBytes() > 0 && !routes.contains(route)).forEach(grown::add);
        routes = next;
        grown.retainAll(next);
    }

    /** No upstream: nothing is proxied. */
    public static PullThroughCache none() {
        return new PullThroughCache(List.of());
    }

    public List<ProxyRoute> routes() {
        return routes;
    }

    /** A repository of a proxied namespace, with its name upstream. */
    public record Proxied(ProxyRoute route, RepositoryName remote) {
    }

    public Optional<Proxied> route(RepositoryName repository) {
        for (ProxyRoute route : routes()) {
            Optional<RepositoryName> remote = route.remoteName(repository);
            if (remote.isPresent()) {
                return Optional.of(new Proxied(route, remote.get()));
            }
        }
        return Optional.empty();
    }

    /**
     * Pushes and deletes into a proxied namespace are refused, as Distribution refuses them on a
     * pull-through cache: the upstream is the truth there, a local push would be overwritten by (or
     * shadow) the upstream's tag.
     *
     * @throws UnsupportedException 405 UNSUPPORTED
     */
    public void requireWritable(RepositoryName repository) {
        route(repository).ifPresent(proxied -> {
            throw UnsupportedException.pullThroughCache(proxied.route().upstream().describe());
        });
    }

    /**
     * A request to the upstream: one it cannot answer counts as an upstream error and is {@code 503
     * UNAVAILABLE} to the client, the cause (never credentials) in the detail.
     */
    <T> T ask(Supplier<T> request) {
        try {
            return request.get();
        } catch (UpstreamException e) {
            upstreamErrors.increment();
            throw new UnavailableException("the upstream registry did not answer: " + e.getMessage(), e);
        }
    }

    /** In read-only mode the cache takes nothing new: what it holds is served, the rest is unavailable for now. */
    static UnavailableException readOnly() {
        return new UnavailableException("the registry is in read-only mode: the pull-through cache fetches nothing new");
    }

    boolean checkedSince(RepositoryName repository, Tag tag, Instant since) {
        Instant last = checked.get(new TagKey(repository, tag));
        return last != null && last.isAfter(since);
    }

    void markChecked(RepositoryName repository, Tag tag, Instant at) {
        checked.put(new TagKey(repository, tag), at);
    }

    Optional<List<Tag>> tagsListedSince(RepositoryName repository, Instant since) {
        synchronized (listedTags) {
            ListedTags listed = listedTags.get(repository);
            return listed != null && listed.at().isAfter(since) ? Optional.of(listed.tags()) : Optional.empty();
        }
    }

    void rememberTags(RepositoryName repository, List<Tag> tags, Instant at) {
        synchronized (listedTags) {
            listedTags.put(repository, new ListedTags(List.copyOf(tags), at));
        }
    }

    void notePulled(RepositoryName repository, Digest digest, Instant at) {
        pulls.pulled(new ManifestStore.ManifestRef(repository, digest), at);
    }

    /**
     * Writes the noted pulls in one batch (every few seconds and at shutdown, by the composition root);
     * what could not be written is noted again for the next flush, and the failure thrown.
     */
    public void flushPulls(ManifestStore manifests) {
        pulls.flush(manifests::manifestsPulled);
    }

    void stored(ProxyRoute route) {
        if (route.maxBytes() > 0) {
            grown.add(route);
        }
    }

    /** The routes with a size limit that stored something since they were last checked; checked now. */
    List<ProxyRoute> takeGrown() {
        return routes().stream().filter(grown::remove).toList();
    }

    /** Whether an eviction run has anything to check. */
    public boolean evictionDue() {
        return !grown.isEmpty();
    }

    /** Counts for the metrics: hits, misses, stale answers, upstream errors, bytes fetched, manifests evicted. */
    public record Counts(long hits, long misses, long stale, long upstreamErrors, long bytesFetched, long evicted) {
    }

    public Counts counts() {
        return new Counts(hits.sum(), misses.sum(), stale.sum(), upstreamErrors.sum(), bytesFetched.sum(),
                evicted.sum());
    }

    private record ListedTags(List<Tag> tags, Instant at) {
    }

    private record TagKey(RepositoryName repository, Tag tag) {
    }
}
