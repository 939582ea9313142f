package dev.berth.deploy.runtime;

import dev.berth.adapters.http.upstream.HttpUpstreamRegistry;
import dev.berth.application.port.ManifestStore;
import dev.berth.application.port.UpstreamRules;
import dev.berth.application.port.UpstreamStore;
import dev.berth.application.registry.EvictPullThroughCache;
import dev.berth.application.registry.ProxyRoute;
import dev.berth.application.registry.PullThroughCache;
import dev.berth.application.upstream.InvalidUpstream;
import dev.berth.application.upstream.Upstream;
import dev.berth.application.upstream.UpstreamForm;
import dev.berth.deploy.config.BerthConfig;
import dev.berth.deploy.config.ProxyEntries;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.logging.Level;

/**
 * Start-up area "pull-through proxies": one upstream client per mirror, shared by every request. The
 * configured upstreams are fixed at start; those added in the admin UI (stored in the database) are
 * routed by again whenever they change, on this node at once and on the others by the database's
 * notice (V22), so that no node needs a restart.
 */
final class RuntimeProxies implements UpstreamRules {

    /** The upstreams mirrored, with the tag checks and blob fetches of this JVM. */
    private PullThroughCache cache;
    private Clock clock;
    private UpstreamStore store;
    private List<Upstream> configured = List.of();
    private final List<ProxyRoute> configuredRoutes = new ArrayList<>();
    /**
     * The stored upstreams' routes by their settings: an unchanged upstream keeps its client (and its
     * connections, its token). A replaced client is left to the garbage collector, not closed: requests
     * under way may still read from it.
     */
    private Map<Upstream, ProxyRoute> storedRoutes = Map.of();
    /** Resolved at the first eviction and kept: a dependent bean per run would pile up. */
    private EvictPullThroughCache evictor;

    void start(BerthConfig config, Clock clock, UpstreamStore store) {
        this.clock = clock;
        this.store = store;
        List<Upstream> fromConfig = new ArrayList<>();
        for (BerthConfig.Proxy proxy : config.proxies()) {
            fromConfig.add(upstream(proxy, Upstream.Source.CONFIGURATION));
            configuredRoutes.add(route(proxy));
        }
        configured = List.copyOf(fromConfig);
        cache = new PullThroughCache(configuredRoutes);
        reload();
        store.onChange(this::reload);
    }

    /** One per JVM: the tag checks and fetches in flight are shared; fails before {@link #start}. */
    PullThroughCache cache() {
        return BerthRuntime.booted(cache);
    }

    @Override
    public List<Upstream> configured() {
        return configured;
    }

    @Override
    public Upstream check(UpstreamForm form, List<Upstream> others) {
        if (others.stream().anyMatch(u -> u.prefix().isEmpty())) {
            throw InvalidUpstream.at("prefix", "proxy.remoteurl of the configuration mirrors every repository:"
                    + " there is no room for another upstream");
        }
        Map<String, String> entry = new LinkedHashMap<>();
        entry.put("prefix", form.prefix());
        entry.put("remoteurl", form.remoteUrl());
        entry.put("username", form.username());
        entry.put("password", form.password());
        entry.put("ttl", form.ttl());
        entry.put("maxsize", form.maxSize());
        entry.put("cabundle", form.caBundle());
        entry.put("clientcert", form.clientCert());
        entry.put("clientkey", form.clientKey());
        ProxyEntries.Checked checked = ProxyEntries.check(entry, others.stream().map(Upstream::prefix).toList());
        if (!checked.problems().isEmpty()) {
            throw new InvalidUpstream(checked.problems());
        }
        return upstream(checked.proxy().orElseThrow(), Upstream.Source.ADMIN);
    }

    /** Routes by the configured and the stored upstreams; a stored one that cannot be set up is left out, said so. */
    @Override
    public synchronized void reload() {
        if (cache == null || store == null) {
            return;
        }
        Map<Upstream, ProxyRoute> next = new LinkedHashMap<>();
        for (Upstream upstream : store.list()) {
            Optional<Upstream> clash = configured.stream().filter(c -> c.prefix().startsWith(upstream.prefix())
                    || upstream.prefix().startsWith(c.prefix())).findFirst();
            if (clash.isPresent()) {
                BerthRuntime.LOG.warning("Pull-through cache: the upstream " + upstream.prefix() + " added in the admin UI"
                        + " overlaps the configured " + clash.get().prefix() + " and is not used; remove one of them");
                continue;
            }
            ProxyRoute route = storedRoutes.get(upstream);
            if (route == null) {
                try {
                    route = route(upstream);
                } catch (RuntimeException e) {
                    BerthRuntime.LOG.log(Level.WARNING, "Pull-through cache: the upstream " + upstream.prefix()
                            + " added in the admin UI is not used: " + e.getMessage());
                    continue;
                }
            }
            next.put(upstream, route);
        }
        boolean changed = !next.keySet().equals(storedRoutes.keySet());
        storedRoutes = next;
        List<ProxyRoute> routes = new ArrayList<>(configuredRoutes);
        routes.addAll(next.values());
        cache.replaceRoutes(routes);
        if (changed) {
            BerthRuntime.LOG.info("Pull-through cache: " + routes.size() + " upstreams, " + next.size()
                    + " of them added in the admin UI" + (next.isEmpty() ? "" : ": " + String.join(", ",
                    next.keySet().stream().map(Upstream::describe).toList())));
        }
    }

    /** With the activity flush: the cached manifests' pull times, then eviction beyond each upstream's maxsize when due. */
    void recordPullsAndEvict(ManifestStore manifests, Supplier<EvictPullThroughCache> evictors) {
        cache.flushPulls(manifests);
        if (cache.evictionDue()) {
            if (evictor == null) {
                evictor = evictors.get();
            }
            evictor.run();
        }
    }

    synchronized void stop() {
        store = null;
        configuredRoutes.forEach(route -> ((HttpUpstreamRegistry) route.upstream()).close());
        configuredRoutes.clear();
        storedRoutes.values().forEach(route -> ((HttpUpstreamRegistry) route.upstream()).close());
        storedRoutes = Map.of();
    }

    private ProxyRoute route(BerthConfig.Proxy proxy) {
        HttpUpstreamRegistry upstream = new HttpUpstreamRegistry(proxy.remoteUrl(), proxy.username(),
                proxy.password(), proxy.caBundle(), proxy.client().map(c -> new HttpUpstreamRegistry.ClientCertificate(
                        c.certificate(), c.privateKey())), proxy.tlsKey(), clock);
        return new ProxyRoute(proxy.prefix(), proxy.ttl(), proxy.maxBytes(), upstream);
    }

    private ProxyRoute route(Upstream stored) {
        Optional<HttpUpstreamRegistry.ClientCertificate> client = stored.clientCert().flatMap(cert -> stored.clientKey()
                .map(key -> new HttpUpstreamRegistry.ClientCertificate(Path.of(cert), Path.of(key))));
        HttpUpstreamRegistry upstream = new HttpUpstreamRegistry(URI.create(stored.remoteUrl()), stored.username(),
                stored.password(), stored.caBundle().map(Path::of), client, "upstream " + stored.prefix(), clock);
        return new ProxyRoute(stored.prefix(), stored.ttl(), stored.maxBytes(), upstream);
    }

    private static Upstream upstream(BerthConfig.Proxy proxy, Upstream.Source source) {
        return new Upstream(proxy.prefix(), proxy.remoteUrl().toString(), proxy.username(), proxy.password(),
                proxy.ttl(), proxy.maxBytes(), proxy.caBundle().map(Path::toString),
                proxy.client().map(c -> c.certificate().toString()), proxy.client().map(c -> c.privateKey().toString()),
                source);
    }
}
