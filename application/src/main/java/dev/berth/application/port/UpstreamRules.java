package dev.berth.application.port;

import dev.berth.application.upstream.InvalidUpstream;
import dev.berth.application.upstream.Upstream;
import dev.berth.application.upstream.UpstreamForm;

import java.util.List;

/**
 * Port: the configuration's side of the pull-through cache, from the composition root: the
 * upstreams the configuration names, and its rules for one (so that the admin UI accepts exactly
 * what the configuration file would), and routing by a changed list at once on this node.
 */
public interface UpstreamRules {

    /** The upstreams of the configuration file and environment, as read at start. */
    List<Upstream> configured();

    /**
     * The form as an upstream, checked as an entry of the {@code proxies} list beside {@code others}
     * (their prefixes must not overlap its own).
     *
     * @throws InvalidUpstream with every problem under its field
     */
    Upstream check(UpstreamForm form, List<Upstream> others);

    /** Routes by the configured and the stored upstreams now (the other nodes follow the store's notice). */
    void reload();
}
