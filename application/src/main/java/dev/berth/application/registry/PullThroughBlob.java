package dev.berth.application.registry;

import dev.berth.application.event.RegistryEvents;
import dev.berth.application.maintenance.MaintenanceMode;
import dev.berth.application.port.BlobFetchTurns;
import dev.berth.application.port.BlobLinkStore;
import dev.berth.application.port.BlobStore;
import dev.berth.application.port.Transactions;
import dev.berth.application.port.UpstreamRegistry.UpstreamBlob;
import dev.berth.domain.Digest;
import dev.berth.domain.Digester;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.UploadId;
import dev.berth.domain.error.BlobUnknownException;
import dev.berth.domain.error.RegistryException;
import dev.berth.domain.error.UnavailableException;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Use case: a blob of a proxied repository that the cache does not hold yet is fetched from the
 * upstream, once however many requests ask for it at the same moment, on however many nodes: the
 * first request of a node waits for the digest's turn across the nodes ({@link BlobFetchTurns}), the
 * node's other requests wait for that first one, and whoever got the turn first fetches while the rest
 * are then served from storage. The bytes stream from the upstream into storage and,
 * for the first request, on to its client at the same time, hashed on the way: never held whole in
 * memory. The blob becomes visible only once its digest is verified; until then the client is held
 * one read short of the end, so that a mismatch reaches it as a failed download, never as a
 * complete wrong blob, and nothing is stored.
 */
@Dependent
public class PullThroughBlob {

    private static final Logger LOG = Logger.getLogger(PullThroughBlob.class.getName());
    /**
     * How long a node waits for another node's fetch of the same blob before it fetches the blob
     * itself: long enough for a large layer, short of a balancer's usual five-minute server timeout,
     * so that a fetch stuck upstream costs the waiting clients a second fetch, not their pull.
     */
    static final Duration WAIT_FOR_ANOTHER_NODE = Duration.ofMinutes(2);

    /** Where the first request's bytes go; opened when the first byte is ready. */
    @FunctionalInterface
    public interface Client {
        /** @param size the blob's size, or -1 when the upstream did not announce it */
        OutputStream open(long size) throws IOException;
    }

    private final PullThroughCache cache;
    private final BlobLinkStore links;
    private final BlobStore blobs;
    private final RegistryEvents events;
    private final Transactions transactions;
    private final MaintenanceMode mode;
    private final BlobFetchTurns turns;

    @Inject
    public PullThroughBlob(PullThroughCache cache, BlobLinkStore links, BlobStore blobs, RegistryEvents events,
                           MaintenanceMode mode, Transactions transactions, BlobFetchTurns turns) {
        this.mode = mode;
        this.turns = turns;
        this.transactions = transactions;
        this.cache = cache;
        this.links = links;
        this.blobs = blobs;
        this.events = events;
    }

    public boolean proxies(RepositoryName repository) {
        return cache.route(repository).isPresent();
    }

    /** For a HEAD: the cached blob, else its size as the upstream states it (nothing is fetched). */
    public LinkedBlob find(RepositoryName repository, Digest digest) {
        PullThroughCache.Proxied proxied = proxied(repository);
        OptionalLong linked = links.linkedSize(repository, digest);
        if (linked.isPresent()) {
            return new LinkedBlob(repository, digest, linked.getAsLong());
        }
        OptionalLong size = upstreamSize(proxied, digest);
        return new LinkedBlob(repository, digest,
                size.orElseThrow(() -> new BlobUnknownException(digest + " (not in the upstream registry)")));
    }

    /** The blob, cached now if it was not: fetched into storage without a client (a range request, a manifest's layers). */
    public LinkedBlob fetch(RepositoryName repository, Digest digest) {
        return fetch(repository, digest, null).orElseThrow();
    }

    /**
     * The blob to serve from storage; empty when this request fetched it and {@code client} got every byte.
     *
     * @param client where to stream the bytes if this request is the one that fetches them; null: none
     */
    public Optional<LinkedBlob> fetch(RepositoryName repository, Digest digest, Client client) {
        PullThroughCache.Proxied proxied = proxied(repository);
        while (true) {
            OptionalLong linked = links.linkedSize(repository, digest);
            if (linked.isPresent()) {
                cache.hits.increment();
                return Optional.of(new LinkedBlob(repository, digest, linked.getAsLong()));
            }
            if (mode.readOnly()) {
                throw PullThroughCache.readOnly();
            }
            OptionalLong stored = links.blobSize(digest);
            if (stored.isPresent()) {
                // stored for another repository: linked here only if the upstream's repository has it too
                if (upstreamSize(proxied, digest).isEmpty()) {
                    throw new BlobUnknownException(digest + " (not in the upstream registry)");
                }
                links.link(repository, digest);
                continue;
            }
            CompletableFuture<Void> mine = new CompletableFuture<>();
            CompletableFuture<Void> running = cache.fetching.putIfAbsent(digest, mine);
            if (running != null) {
                awaitFetch(running);
                continue;
            }
            try (BlobFetchTurns.Turn ignored = turn(proxied, digest)) {
                if (links.blobSize(digest).isPresent()) {
                    // another node stored it while this one waited for the turn: linked at the loop's next round
                    mine.complete(null);
                    continue;
                }
                cache.misses.increment();
                Optional<LinkedBlob> toServe = download(repository, proxied, digest, client);
                mine.complete(null);
                return toServe;
            } catch (RuntimeException e) {
                mine.completeExceptionally(e);
                throw e;
            } finally {
                cache.fetching.remove(digest, mine);
            }
        }
    }

    /**
     * The cluster's turn to fetch the digest, waited for; past {@link #WAIT_FOR_ANOTHER_NODE} this node
     * fetches without it (as every node did before turns were shared), and says so.
     */
    private BlobFetchTurns.Turn turn(PullThroughCache.Proxied proxied, Digest digest) {
        return turns.take(digest, WAIT_FOR_ANOTHER_NODE).orElseGet(() -> {
            LOG.warning("Pull-through cache: another node has been fetching " + digest + " from "
                    + proxied.route().upstream().describe() + " for over " + WAIT_FOR_ANOTHER_NODE.toMinutes()
                    + " minutes; fetching it here too");
            return () -> { };
        });
    }

    /** The first request's fetch, whose failure is each waiting request's too. */
    private static void awaitFetch(CompletableFuture<Void> running) {
        try {
            running.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RegistryException failure ? failure
                    : new UnavailableException("fetching from the upstream registry failed", e.getCause());
        }
    }

    /** @return empty when the client got the bytes (it had asked, and stayed), else the blob to serve from storage */
    private Optional<LinkedBlob> download(RepositoryName repository, PullThroughCache.Proxied proxied, Digest digest,
                                          Client client) {
        UpstreamBlob upstream = cache.ask(() -> proxied.route().upstream().blob(proxied.remote(), digest))
                .orElseThrow(() -> new BlobUnknownException(digest + " (not in the upstream registry)"));
        UploadId upload = UploadId.random();
        Digester digester = digest.algorithm().newDigester();
        try (InputStream content = upstream.content();
             HeldBackCopy copy = new HeldBackCopy(content, digester, client, upstream.size())) {
            blobs.writeUpload(upload, 0, copy);
            long size = digester.length();
            cache.bytesFetched.add(size);
            Digest actual = digester.finish();
            if (!actual.equals(digest) || (upstream.size() >= 0 && size != upstream.size())) {
                discard(upload);
                cache.upstreamErrors.increment();
                LOG.warning("Pull-through cache: the upstream " + proxied.route().upstream().describe() + " served "
                        + size + " bytes for " + digest + " whose digest is " + actual + "; nothing stored");
                throw new UnavailableException("the upstream registry's bytes do not match the digest " + digest);
            }
            blobs.commitUpload(upload, digest);
            transactions.run(() -> {
                links.recordAndLink(repository, digest, size);
                events.blobFetched(repository, digest, size);
            });
            if (!copy.finish()) {
                return Optional.of(new LinkedBlob(repository, digest, size));
            }
            events.blobPulled(repository, digest, size);
            return Optional.empty();
        } catch (IOException e) {
            discard(upload);
            cache.upstreamErrors.increment();
            throw new UnavailableException("fetching " + digest + " from the upstream registry failed", e);
        }
    }

    private void discard(UploadId upload) {
        try {
            blobs.deleteUpload(upload);
        } catch (IOException e) {
            // upload purging removes it later
            LOG.log(Level.FINE, "Removing a failed pull-through upload failed", e);
        }
    }

    private OptionalLong upstreamSize(PullThroughCache.Proxied proxied, Digest digest) {
        return cache.ask(() -> proxied.route().upstream().blobSize(proxied.remote(), digest));
    }

    private PullThroughCache.Proxied proxied(RepositoryName repository) {
        return cache.route(repository).orElseThrow(() -> new IllegalArgumentException(repository + " is not proxied"));
    }

    /**
     * The upstream's bytes as storage reads them, hashed, and copied to the client one read behind:
     * the last read reaches it only through {@link #finish}, after verification. A client that goes
     * away costs the fetch nothing: storage keeps reading for the requests that wait.
     */
    private static final class HeldBackCopy extends InputStream {

        private final InputStream upstream;
        private final Digester digester;
        private final Client client;
        private final long size;
        private OutputStream out;
        private boolean clientGone;
        private byte[] held = new byte[0];
        private int heldLength;

        HeldBackCopy(InputStream upstream, Digester digester, Client client, long size) {
            this.upstream = upstream;
            this.digester = digester;
            this.client = client;
            this.size = size;
            this.clientGone = client == null;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = upstream.read(buffer, offset, length);
            if (n > 0) {
                digester.update(buffer, offset, n);
                if (!clientGone) {
                    release();
                    if (held.length < n) {
                        held = new byte[n];
                    }
                    System.arraycopy(buffer, offset, held, 0, n);
                    heldLength = n;
                }
            }
            return n;
        }

        /** Sends the held read; @return whether the client has every byte */
        boolean finish() {
            release();
            if (!clientGone) {
                try {
                    clientStream().flush();
                } catch (IOException e) {
                    clientGone = true;
                }
            }
            return !clientGone;
        }

        private void release() {
            if (clientGone || heldLength == 0) {
                return;
            }
            try {
                clientStream().write(held, 0, heldLength);
                heldLength = 0;
            } catch (IOException e) {
                clientGone = true;
            }
        }

        private OutputStream clientStream() throws IOException {
            if (out == null) {
                out = client.open(size);
            }
            return out;
        }

        @Override
        public void close() throws IOException {
            upstream.close();
        }
    }
}
