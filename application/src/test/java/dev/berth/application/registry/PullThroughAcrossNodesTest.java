package dev.berth.application.registry;

import dev.berth.application.fake.FakeUpstream;
import dev.berth.application.fake.InMemoryFetchTurns;
import dev.berth.application.port.BlobFetchTurns;
import dev.berth.domain.Digest;
import dev.berth.domain.RepositoryName;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pull-through blob fetches with several nodes: each node has its own cache (its own single flight),
 * all share the metadata, the storage and the fetch turns, so that a blob asked of every node at
 * once is fetched from the upstream once.
 */
class PullThroughAcrossNodesTest {

    private final TestRegistry registry = new TestRegistry();
    private final FakeUpstream upstream = new FakeUpstream();
    private final InMemoryFetchTurns turns = new InMemoryFetchTurns();
    private final RepositoryName local = RepositoryName.parse("hub/library/app");
    private final byte[] content = new byte[200_000];
    private final Digest digest;

    PullThroughAcrossNodesTest() {
        new Random(3).nextBytes(content);
        digest = upstream.putBlob(content);
    }

    private PullThroughCache cache() {
        return new PullThroughCache(List.of(new ProxyRoute("hub/", Duration.ofMinutes(5), upstream)));
    }

    /** A request on a thread of its own (the common pool may have one thread on a small machine). */
    private static <T> CompletableFuture<T> async(java.util.function.Supplier<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            try {
                result.complete(work.get());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    private CompletableFuture<Optional<LinkedBlob>> fetch(PullThroughBlob node, ByteArrayOutputStream client) {
        return async(() -> node.fetch(local, digest, size -> client));
    }

    /** Until {@code condition} holds, for at most a minute (then the test fails at its next assertion). */
    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    @Test
    void aBlobAskedOfTwoNodesAtOnceIsFetchedOnceAndTheSecondNodesRequestsShareOneWait() throws Exception {
        PullThroughCache cacheB = cache();
        PullThroughBlob nodeA = registry.pullThroughBlob(cache(), turns);
        PullThroughBlob nodeB = registry.pullThroughBlob(cacheB, turns);
        CountDownLatch release = new CountDownLatch(1);
        upstream.holdBlobs(release);

        ByteArrayOutputStream clientA = new ByteArrayOutputStream();
        CompletableFuture<Optional<LinkedBlob>> first = fetch(nodeA, clientA);
        await(() -> upstream.blobGets.get() == 1);
        List<ByteArrayOutputStream> clientsB = new ArrayList<>();
        List<CompletableFuture<Optional<LinkedBlob>>> others = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ByteArrayOutputStream client = new ByteArrayOutputStream();
            clientsB.add(client);
            others.add(fetch(nodeB, client));
        }
        await(() -> turns.waited.get() == 1);
        Thread.sleep(200); // node B's other requests join its wait meanwhile
        release.countDown();

        assertThat(first.get(1, TimeUnit.MINUTES)).as("node A streamed it to its client").isEmpty();
        assertThat(clientA.toByteArray()).isEqualTo(content);
        for (int i = 0; i < 3; i++) {
            assertThat(others.get(i).get(1, TimeUnit.MINUTES)).as("served from storage")
                    .hasValueSatisfying(blob -> assertThat(blob.size()).isEqualTo(content.length));
            assertThat(clientsB.get(i).size()).isZero();
        }
        assertThat(upstream.blobGets).as("fetched from the upstream").hasValue(1);
        assertThat(turns.waited).as("node B stood in line once for its three requests").hasValue(1);
        assertThat(cacheB.counts().misses()).isZero();
        assertThat(registry.blobs.stores(digest)).isTrue();
    }

    @Test
    void whenTheFetchingNodeDiesTheNodeNextInLineFetchesTheBlobItself() throws Exception {
        // a node took the turn and began fetching, then died: nothing stored, its turn ends with it
        turns.take(digest, Duration.ofMinutes(1)).orElseThrow();
        PullThroughBlob next = registry.pullThroughBlob(cache(), turns);
        ByteArrayOutputStream client = new ByteArrayOutputStream();
        CompletableFuture<Optional<LinkedBlob>> fetch = fetch(next, client);
        await(() -> turns.waited.get() == 1);
        assertThat(fetch).isNotDone();

        turns.dieHolding(digest);

        assertThat(fetch.get(1, TimeUnit.MINUTES)).as("fetched and streamed by the node next in line").isEmpty();
        assertThat(client.toByteArray()).isEqualTo(content);
        assertThat(upstream.blobGets).hasValue(1);
        assertThat(registry.blobs.stores(digest)).isTrue();
    }

    @Test
    void aNodeThatWaitedPastItsPatienceFetchesTheBlobItself() {
        AtomicReference<Duration> patience = new AtomicReference<>();
        // another node holds the turn for longer than this one waits (its fetch stuck upstream)
        BlobFetchTurns stuck = (d, wait) -> {
            patience.set(wait);
            return Optional.empty();
        };
        PullThroughBlob node = registry.pullThroughBlob(cache(), stuck);
        ByteArrayOutputStream client = new ByteArrayOutputStream();

        assertThat(node.fetch(local, digest, size -> client)).isEmpty();
        assertThat(client.toByteArray()).isEqualTo(content);
        assertThat(upstream.blobGets).hasValue(1);
        assertThat(patience.get()).isEqualTo(PullThroughBlob.WAIT_FOR_ANOTHER_NODE);
    }
}
