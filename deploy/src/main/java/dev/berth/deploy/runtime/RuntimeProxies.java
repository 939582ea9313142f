package dev.berth.deploy.runtime;

import dev.berth.adapters.http.upstream.HttpUpstreamRegistry;
import dev.berth.application.port.ManifestStore;
import dev.berth.application.registry.EvictPullThroughCache;
import dev.berth.application.registry.ProxyRoute;
import dev.berth.application.registry.PullThroughCache;
import dev.berth.deploy.config.BerthConfig;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** Start-up area "pull-through proxies": one upstream client per configured mirror, shared by every request. */
final class RuntimeProxies {

    /** The upstreams mirrored, with the tag checks and blob fetches of this JVM. */
    private PullThroughCache cache;
    private final List<HttpUpstreamRegistry> upstreams = new ArrayList<>();
    /** Resolved at the first eviction and kept: a dependent bean per run would pile up. */
    private EvictPullThroughCache evictor;

    void start(BerthConfig config, Clock clock) {
        List<ProxyRoute> routes = new ArrayList<>();
        for (BerthConfig.Proxy proxy : config.proxies()) {
            HttpUpstreamRegistry upstream = new HttpUpstreamRegistry(proxy.remoteUrl(), proxy.username(),
                    proxy.password(), proxy.caBundle(), proxy.client().map(c -> new HttpUpstreamRegistry.ClientCertificate(
                            c.certificate(), c.privateKey())), proxy.tlsKey(), clock);
            upstreams.add(upstream);
            routes.add(new ProxyRoute(proxy.prefix(), proxy.ttl(), proxy.maxBytes(), upstream));
        }
        cache = new PullThroughCache(routes);
    }

    /** One per JVM: the tag checks and fetches in flight are shared; fails before {@link #start}. */
    PullThroughCache cache() {
        return BerthRuntime.booted(cache);
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

    void stop() {
        upstreams.forEach(HttpUpstreamRegistry::close);
        upstreams.clear();
    }
}
