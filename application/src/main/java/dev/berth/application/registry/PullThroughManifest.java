package dev.berth.application.registry;

import dev.berth.application.event.RegistryEvents;
import dev.berth.application.maintenance.MaintenanceMode;
import dev.berth.application.port.BlobLinkStore;
import dev.berth.application.port.ManifestStore;
import dev.berth.application.port.RepositoryCatalog;
import dev.berth.application.port.StoredManifest;
import dev.berth.application.port.TagStore;
import dev.berth.application.port.Transactions;
import dev.berth.application.port.UpstreamRegistry.UpstreamManifest;
import dev.berth.domain.Digest;
import dev.berth.domain.Reference;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.Tag;
import dev.berth.domain.error.ManifestInvalidException;
import dev.berth.domain.error.ManifestUnknownException;
import dev.berth.domain.error.UnavailableException;
import dev.berth.domain.manifest.Descriptor;
import dev.berth.domain.manifest.ManifestParser;
import dev.berth.domain.manifest.ParsedManifest;
import dev.berth.domain.manifest.SchemaOneManifest;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Use case: before a manifest of a proxied repository is read, bring the cache up to date with the
 * upstream. A tag checked within the route's TTL is served as cached; otherwise the upstream is asked
 * for its digest (HEAD), and a new digest's manifest is fetched, verified against its digest and
 * stored with everything it needs before the tag moves to it: an image manifest's config and layers
 * (so a cached tag stays pullable when the upstream is down), an index as it is (its images are
 * fetched when asked for by digest, and become its children then). When the upstream cannot answer, a cached tag is served stale
 * and said so. A manifest by digest that is cached never involves the upstream. In read-only mode
 * the cache serves what it holds and takes nothing new.
 */
@Dependent
public class PullThroughManifest {

    private static final Logger LOG = Logger.getLogger(PullThroughManifest.class.getName());
    /** Indexes of one repository listing one image: a tag's few versions, in practice. */
    private static final int MAX_INDEXES = 100;

    /** What the read that follows will serve. */
    public enum Freshness {
        /** not a proxied repository: the registry's own content */
        LOCAL,
        /** cached, fresh or confirmed by the upstream */
        HIT,
        /** fetched from the upstream just now */
        MISS,
        /** cached, served although the upstream could not confirm it */
        STALE
    }

    private final PullThroughCache cache;
    private final PullThroughBlob blobs;
    private final RegistryEvents events;
    private final ManifestStore manifests;
    private final TagStore tags;
    private final BlobLinkStore links;
    private final RepositoryCatalog catalog;
    private final Transactions transactions;
    private final RegistrySettings settings;
    private final MaintenanceMode mode;
    private final Clock clock;

    @Inject
    public PullThroughManifest(PullThroughCache cache, PullThroughBlob blobs, ManifestStore manifests, TagStore tags,
                               BlobLinkStore links, RepositoryCatalog catalog, Transactions transactions,
                               RegistrySettings settings, MaintenanceMode mode, RegistryEvents events, Clock clock) {
        this.cache = cache;
        this.events = events;
        this.blobs = blobs;
        this.manifests = manifests;
        this.tags = tags;
        this.links = links;
        this.catalog = catalog;
        this.transactions = transactions;
        this.settings = settings;
        this.mode = mode;
        this.clock = clock;
    }

    public Freshness refresh(RepositoryName repository, Reference reference) {
        Optional<PullThroughCache.Proxied> proxied = cache.route(repository);
        if (proxied.isEmpty()) {
            return Freshness.LOCAL;
        }
        Freshness freshness = switch (reference) {
            case Digest digest -> {
                Freshness read = byDigest(repository, proxied.get(), digest);
                cache.notePulled(repository, digest, clock.instant());
                yield read;
            }
            case Tag tag -> byTag(repository, proxied.get(), tag);
        };
        (freshness == Freshness.MISS ? cache.misses : freshness == Freshness.STALE ? cache.stale : cache.hits).increment();
        return freshness;
    }

    private Freshness byDigest(RepositoryName repository, PullThroughCache.Proxied proxied, Digest digest) {
        if (manifests.exists(repository, digest)) {
            return Freshness.HIT;
        }
        if (mode.readOnly()) {
            throw PullThroughCache.readOnly();
        }
        fetch(repository, proxied, digest, null);
        return Freshness.MISS;
    }

    private Freshness byTag(RepositoryName repository, PullThroughCache.Proxied proxied, Tag tag) {
        Optional<Digest> cached = tags.resolve(repository, tag);
        cached.ifPresent(digest -> cache.notePulled(repository, digest, clock.instant()));
        if (cached.isPresent() && cache.checkedSince(repository, tag, clock.instant().minus(proxied.route().ttl()))) {
            return Freshness.HIT;
        }
        if (mode.readOnly()) {
            // moving the tag would write: served as cached, unconfirmed
            return cached.map(digest -> Freshness.STALE).orElseThrow(PullThroughCache::readOnly);
        }
        Optional<Digest> upstream;
        try {
            upstream = cache.ask(() -> proxied.route().upstream().resolve(proxied.remote(), tag));
        } catch (UnavailableException e) {
            if (cached.isEmpty()) {
                throw e;
            }
            LOG.warning("Pull-through cache: serving " + repository + ":" + tag + " stale (" + cached.get()
                    + "), the upstream did not answer: " + e.getCause().getMessage());
            return Freshness.STALE;
        }
        Digest current = upstream.orElseThrow(() -> new ManifestUnknownException(tag + " (not in the upstream registry)"));
        boolean fetched = !manifests.exists(repository, current);
        if (fetched) {
            fetch(repository, proxied, current, tag);
        }
        if (!cached.equals(upstream)) {
            transactions.run(() -> tags.tag(repository, tag, current));
        }
        cache.markChecked(repository, tag, clock.instant());
        cache.notePulled(repository, current, clock.instant());
        return fetched ? Freshness.MISS : Freshness.HIT;
    }

    /** Fetches, verifies and stores the manifest, after the blobs an image needs; {@code tag} when fetched for one. */
    private void fetch(RepositoryName repository, PullThroughCache.Proxied proxied, Digest digest, Tag tag) {
        UpstreamManifest fetched = cache.ask(() -> proxied.route().upstream().manifest(proxied.remote(), digest))
                .orElseThrow(() -> new ManifestUnknownException(digest + " (not in the upstream registry)"));
        byte[] payload = fetched.payload();
        if (payload.length > settings.maxManifestBytes()) {
            throw new ManifestInvalidException("the upstream's manifest is larger than " + settings.maxManifestBytes()
                    + " bytes");
        }
        if (!Digest.of(digest.algorithm(), payload).equals(digest)) {
            cache.upstreamErrors.increment();
            throw new UnavailableException("the upstream's manifest does not match its digest " + digest);
        }
        ParsedManifest parsed = ManifestParser.parse(payload, fetched.mediaType());
        if (parsed instanceof SchemaOneManifest) {
            throw new ManifestInvalidException("the upstream served a schema 1 manifest, which a cache does not keep");
        }
        for (Descriptor blob : parsed.requiredBlobs()) {
            blobs.fetch(repository, blob.digest());
        }
        List<Digest> stored = new ArrayList<>(parsed.requiredBlobs().stream().map(Descriptor::digest).toList());
        parsed.foreignLayers().stream().map(Descriptor::digest)
                .filter(layer -> links.linkedSize(repository, layer).isPresent()).forEach(stored::add);
        // an index's images come when asked for; only those already cached are its children yet
        List<Digest> children = parsed.referencedManifests().stream().map(Descriptor::digest)
                .filter(child -> manifests.exists(repository, child)).distinct().toList();
        StoredManifest manifest = new StoredManifest(digest, parsed.mediaType(), payload,
                PutManifest.artifactType(parsed), parsed.subject() == null ? null : parsed.subject().digest(),
                parsed.annotations(), stored.stream().distinct().toList(), children, clock.instant());
        transactions.run(() -> {
            catalog.ensure(repository);
            manifests.put(repository, manifest);
            adoptByIndexes(repository, digest);
            events.manifestFetched(repository, digest, parsed.mediaType(), payload.length, tag,
                    PutManifest.references(parsed));
        });
        cache.stored(proxied.route());
    }

    /**
     * The cached indexes that list the manifest record it as their child now that it is here, so that
     * it lives as long as they do (garbage collection of untagged manifests spares an index's children).
     */
    private void adoptByIndexes(RepositoryName repository, Digest child) {
        for (Digest index : manifests.indexesNaming(repository, child, MAX_INDEXES)) {
            manifests.get(repository, index)
                    .filter(stored -> ManifestParser.parse(stored.payload(), stored.mediaType()).referencedManifests()
                            .stream().anyMatch(listed -> listed.digest().equals(child)))
                    .ifPresent(stored -> manifests.addChild(repository, index, child));
        }
    }
}
