package dev.berth.application.tls;

import java.security.KeyPair;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Use case: every node of a cluster serves the same certificates, kept in the shared store. At start
 * (under the cluster's lock, so that nodes starting together agree) a node adopts the cluster's set
 * into its own files, which its HTTPS listener follows without a restart; when the cluster has none
 * yet, the node publishes its own (first node wins; also how an upgraded single node's files move
 * into the database). Afterwards the node's files follow every change any node makes.
 */
public class AdoptSharedCertificates {

    private static final Logger LOG = Logger.getLogger(AdoptSharedCertificates.class.getName());

    private final SharedCertificateStore shared;
    private final CertificateStore local;
    private final CertificateIssuer issuer;
    private final Clock clock;
    private volatile boolean adopted;

    /** @param local the node's own copy, the files its HTTPS listener serves from */
    public AdoptSharedCertificates(SharedCertificateStore shared, CertificateStore local, CertificateIssuer issuer,
                                   Clock clock) {
        this.shared = shared;
        this.local = local;
        this.issuer = issuer;
        this.clock = clock;
    }

    /**
     * At start. With {@code http.tls.certificate} the configured certificate (served from the files
     * before boot) is published as the cluster's served one: the configuration wins at every start, on
     * every node. In managed mode a certificate from the local CA that nears its end or misses a name
     * is renewed, by one node (the lock's re-check: the next node finds it renewed).
     *
     * @return what happened, for the start-up log
     */
    public String atStart(TlsSettings settings, List<Hostname> hostnames) {
        String outcome = shared.exclusively(() -> {
            boolean clusterHasSet = shared.authority().isPresent() || shared.served().isPresent();
            List<String> published = new ArrayList<>();
            if (settings.certificateFile().isPresent()) {
                local.served().ifPresent(configured -> {
                    if (!same(shared.served(), configured)) {
                        shared.serve(configured);
                        published.add("the configured certificate");
                    }
                });
            }
            // the CA and the served certificate are never removed: the cluster's win, this node's fill a gap
            adoptOrPublish("the local CA", shared::authority, shared::saveAuthority, local::authority,
                    local::saveAuthority, published);
            adoptOrPublish("the served certificate", shared::served, shared::serve, local::served, local::serve,
                    published);
            if (clusterHasSet) {
                // staging is the cluster's: what another node discarded must not come back from this one's files
                follow(shared.staged(), local.staged(), local::stage, local::clearStaged);
                followRequestKeys();
            } else {
                local.staged().ifPresent(staged -> {
                    shared.stage(staged);
                    published.add("the staged certificate");
                });
                local.requestKeys().ifPresent(keys -> {
                    shared.saveRequestKeys(keys);
                    published.add("the certificate request's key");
                });
            }
            if (settings.managed()) {
                ensureServed(hostnames);
            }
            return published.isEmpty() ? "adopted the cluster's certificates from the database"
                    : "published " + String.join(", ", published) + " to the database";
        });
        adopted = true;
        LOG.info(() -> "TLS: " + outcome);
        return outcome;
    }

    /**
     * Managed mode, daily: renews the served certificate from the local CA when it nears its end, once
     * across the cluster; the other nodes follow.
     */
    public void renewIfDue(List<Hostname> hostnames) {
        shared.exclusively(() -> ensureServed(hostnames));
    }

    /** Renews the served certificate when due, written to the cluster first, then to this node's files. */
    private CertificateSummary ensureServed(List<Hostname> hostnames) {
        return new EnsureServedCertificate(new MirroredCertificateStore(shared, local), issuer, clock).ensure(hostnames);
    }

    /** After a change on any node: this node's files become the cluster's set (only what differs is written). */
    public void follow() {
        shared.authority().ifPresent(authority -> {
            if (!same(local.authority(), authority)) {
                local.saveAuthority(authority);
            }
        });
        shared.served().ifPresent(served -> {
            if (!same(local.served(), served)) {
                local.serve(served);
                LOG.info(() -> "TLS: serving the certificate activated in the cluster, "
                        + CertificateSummary.of(served.leaf(), clock).auditDetail());
            }
        });
        follow(shared.staged(), local.staged(), local::stage, local::clearStaged);
        followRequestKeys();
    }

    /** Whether this node has taken the cluster's certificates at start: it is not ready for a balancer before. */
    public boolean adopted() {
        return adopted;
    }

    private void followRequestKeys() {
        Optional<KeyPair> cluster = shared.requestKeys();
        Optional<KeyPair> mine = local.requestKeys();
        if (cluster.isEmpty()) {
            if (mine.isPresent()) {
                local.clearRequestKeys();
            }
        } else if (mine.isEmpty() || !sameKeys(mine.get(), cluster.get())) {
            local.saveRequestKeys(cluster.get());
        }
    }

    private static void adoptOrPublish(String what, Supplier<Optional<CertificateIssuer.KeyedChain>> cluster,
                                       Consumer<CertificateIssuer.KeyedChain> publish,
                                       Supplier<Optional<CertificateIssuer.KeyedChain>> mine,
                                       Consumer<CertificateIssuer.KeyedChain> adopt, List<String> published) {
        Optional<CertificateIssuer.KeyedChain> theirs = cluster.get();
        Optional<CertificateIssuer.KeyedChain> ours = mine.get();
        if (theirs.isPresent()) {
            if (!same(ours, theirs.get())) {
                adopt.accept(theirs.get());
            }
        } else if (ours.isPresent()) {
            publish.accept(ours.get());
            published.add(what);
        }
    }

    private static void follow(Optional<CertificateIssuer.KeyedChain> cluster, Optional<CertificateIssuer.KeyedChain> mine,
                               Consumer<CertificateIssuer.KeyedChain> adopt, Runnable clear) {
        if (cluster.isPresent()) {
            if (!same(mine, cluster.get())) {
                adopt.accept(cluster.get());
            }
        } else if (mine.isPresent()) {
            clear.run();
        }
    }

    /** Same chain and same key, whichever provider parsed them. */
    static boolean same(Optional<CertificateIssuer.KeyedChain> mine, CertificateIssuer.KeyedChain theirs) {
        return mine.isPresent() && mine.get().chain().equals(theirs.chain())
                && Arrays.equals(mine.get().key().getEncoded(), theirs.key().getEncoded());
    }

    private static boolean sameKeys(KeyPair mine, KeyPair theirs) {
        return Arrays.equals(mine.getPrivate().getEncoded(), theirs.getPrivate().getEncoded())
                && Arrays.equals(mine.getPublic().getEncoded(), theirs.getPublic().getEncoded());
    }
}
