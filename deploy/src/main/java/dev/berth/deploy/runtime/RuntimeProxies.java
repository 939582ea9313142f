package dev.berth.deploy.runtime;

import dev.berth.adapters.http.upstream.HttpUpstreamRegistry;
import dev.berth.application.registry.ProxyRoute;
import dev.berth.application.registry.PullThroughCache;
import dev.berth.deploy.config.BerthConfig;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/** Start-up area "pull-through proxies": one upstream client per configured mirror, shared by every request. */
final class RuntimeProxies {

    /** The upstreams mirrored, with the tag checks and blob fetches of this JVM. */
    private PullThroughCache cache;
    private final List<HttpUpstreamRegistry> upstreams = new ArrayList<>();

    void start(BerthConfig config, Clock clock) {
        List<ProxyRoute> routes = new ArrayList<>();
        for (BerthConfig.Proxy proxy : config.proxies()) {
            HttpUpstreamRegistry upstream = new HttpUpstreamRegistry(proxy.remoteUrl(), proxy.username(),
                    proxy.password(), proxy.caBundle(), proxy.caBundleKey(), clock);
            upstreams.add(upstream);
            routes.add(new ProxyRoute(proxy.prefix(), proxy.ttl(), upstream));
        }
        cache = new PullThroughCache(routes);
    }

    /** One per JVM: the tag checks and fetches in flight are shared; fails before {@link #start}. */
    PullThroughCache cache() {
        return BerthRuntime.booted(cache);
    }

    void stop() {
        upstreams.forEach(HttpUpstreamRegistry::close);
        upstreams.clear();
    }
}
