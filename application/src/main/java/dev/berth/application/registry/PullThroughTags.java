package dev.berth.application.registry;

import dev.berth.application.port.RepositoryCatalog;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.Tag;
import dev.berth.domain.error.NameUnknownException;
import dev.berth.domain.error.UnavailableException;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Use case: the tag list of a proxied repository is the upstream's, as a client of a mirror expects
 * (the cache holds only the tags somebody pulled). The list is fetched with the route's credentials,
 * at most {@link #MAX_UPSTREAM_TAGS} tags, kept for the route's TTL and paged here; when the upstream
 * cannot answer, the cached tags are listed and said to be stale.
 */
@Dependent
public class PullThroughTags {

    private static final Logger LOG = Logger.getLogger(PullThroughTags.class.getName());
    /** Bounds what one list holds in memory; Docker Hub's largest repositories have fewer. */
    static final int MAX_UPSTREAM_TAGS = 10_000;

    private final PullThroughCache cache;
    private final ListTags cached;
    private final RepositoryCatalog catalog;
    private final Clock clock;

    @Inject
    public PullThroughTags(PullThroughCache cache, ListTags cached, RepositoryCatalog catalog, Clock clock) {
        this.cache = cache;
        this.cached = cached;
        this.catalog = catalog;
        this.clock = clock;
    }

    /** A page and where it came from: {@code HIT} listed within the TTL, {@code MISS} asked just now, {@code STALE} the cache's. */
    public record Listed(Page<Tag> page, PullThroughManifest.Freshness freshness) {
    }

    /** @return empty when the repository is not proxied (its own tags are listed as usual) */
    public Optional<Listed> list(RepositoryName repository, PageRequest request) {
        Optional<PullThroughCache.Proxied> proxied = cache.route(repository);
        if (proxied.isEmpty()) {
            return Optional.empty();
        }
        Optional<List<Tag>> remembered = cache.tagsListedSince(repository,
                clock.instant().minus(proxied.get().route().ttl()));
        if (remembered.isPresent()) {
            return Optional.of(new Listed(page(remembered.get(), request), PullThroughManifest.Freshness.HIT));
        }
        List<Tag> upstream;
        try {
            upstream = cache.ask(() -> proxied.get().route().upstream().tags(proxied.get().remote(), MAX_UPSTREAM_TAGS))
                    .orElseThrow(() -> new NameUnknownException(repository + " (not in the upstream registry)"));
        } catch (UnavailableException e) {
            if (!catalog.exists(repository)) {
                throw e;
            }
            LOG.warning("Pull-through cache: listing the cached tags of " + repository
                    + ", the upstream did not answer: " + e.getCause().getMessage());
            return Optional.of(new Listed(cached.list(repository, request), PullThroughManifest.Freshness.STALE));
        }
        List<Tag> sorted = upstream.stream().distinct().sorted(PullThroughCache.TAG_ORDER).toList();
        cache.rememberTags(repository, sorted, clock.instant());
        return Optional.of(new Listed(page(sorted, request), PullThroughManifest.Freshness.MISS));
    }

    /** The tags after {@code last}, in the order the tag store lists them (code points, PostgreSQL's "C"). */
    private static Page<Tag> page(List<Tag> tags, PageRequest request) {
        if (request.limit() == 0) {
            return new Page<>(List.of(), false);
        }
        List<Tag> after = request.last().map(last -> tags.stream().filter(tag -> tag.value().compareTo(last) > 0).toList())
                .orElse(tags);
        return Page.of(after.subList(0, Math.min(after.size(), request.limit() + 1)), request.limit());
    }
}
