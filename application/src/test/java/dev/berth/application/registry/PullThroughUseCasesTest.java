package dev.berth.application.registry;

import dev.berth.application.fake.FakeUpstream;
import dev.berth.application.fake.RecordingOutbox;
import dev.berth.application.port.ManifestStore;
import dev.berth.application.port.StoredManifest;
import dev.berth.domain.Digest;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.Tag;
import dev.berth.domain.error.ManifestUnknownException;
import dev.berth.domain.error.UnavailableException;
import dev.berth.domain.error.UnsupportedException;
import dev.berth.domain.manifest.MediaType;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.berth.application.registry.PullThroughManifest.Freshness.HIT;
import static dev.berth.application.registry.PullThroughManifest.Freshness.LOCAL;
import static dev.berth.application.registry.PullThroughManifest.Freshness.MISS;
import static dev.berth.application.registry.PullThroughManifest.Freshness.STALE;
import static dev.berth.application.registry.TestRegistry.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PullThroughUseCasesTest {

    private static final Duration TTL = Duration.ofMinutes(5);
    private final TestRegistry registry = new TestRegistry();
    private final FakeUpstream upstream = new FakeUpstream();
    private final PullThroughCache cache = new PullThroughCache(List.of(new ProxyRoute("hub/", TTL, upstream)));
    private final PullThroughManifest manifests = registry.pullThroughManifest(cache);
    private final PullThroughBlob blobs = registry.pullThroughBlob(cache);
    private final RepositoryName local = RepositoryName.parse("hub/library/app");
    private final RepositoryName remote = RepositoryName.parse("library/app");
    private final Tag v1 = Tag.parse("v1");

    /** An image (config and one layer) upstream, tagged; returns its manifest's digest. */
    private Digest upstreamImage(String tag, String seed) {
        byte[] config = bytes("{\"os\":\"linux\",\"seed\":\"" + seed + "\"}");
        byte[] layer = bytes("layer-" + seed);
        Digest configDigest = upstream.putBlob(config);
        Digest layerDigest = upstream.putBlob(layer);
        String json = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + configDigest
                + "\",\"size\":" + config.length + "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\","
                + "\"digest\":\"" + layerDigest + "\",\"size\":" + layer.length + "}]}";
        return upstream.putManifest(remote, tag, MediaType.OCI_MANIFEST_V1, bytes(json));
    }

    private StoredManifest read(dev.berth.domain.Reference reference) {
        return registry.getManifest().get(local, reference, Set.of());
    }

    @Test
    void aTagIsFetchedWithItsBlobsThenServedFromTheCacheUntilItsTtlEnds() {
        Digest first = upstreamImage("v1", "a");

        assertThat(manifests.refresh(local, v1)).isEqualTo(MISS);
        assertThat(read(v1).digest()).isEqualTo(first);
        assertThat(registry.metadata.linkedSize(local, Digest.of(dev.berth.domain.DigestAlgorithm.SHA256,
                bytes("layer-a")))).as("the layer came with the manifest").isPresent();

        Digest second = upstreamImage("v1", "b");
        registry.clock.advance(TTL.minusSeconds(1));
        assertThat(manifests.refresh(local, v1)).isEqualTo(HIT);
        assertThat(read(v1).digest()).as("within the TTL the cache answers").isEqualTo(first);
        assertThat(upstream.resolves).hasValue(1);

        registry.clock.advance(Duration.ofSeconds(2));
        assertThat(manifests.refresh(local, v1)).isEqualTo(MISS);
        assertThat(read(v1).digest()).as("the tag follows the upstream after the TTL").isEqualTo(second);

        registry.clock.advance(TTL.plusSeconds(1));
        assertThat(manifests.refresh(local, v1)).as("checked again, same digest").isEqualTo(HIT);
        assertThat(upstream.manifestGets).hasValue(2);
    }

    @Test
    void thePlatformImagesOfACachedIndexBecomeItsChildrenWhenPulledSoCollectingUntaggedManifestsKeepsThem() {
        Digest amd64 = upstreamImage("amd64", "a");
        Digest arm64 = upstreamImage("arm64", "b");
        String json = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":["
                + "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" + amd64
                + "\",\"size\":1,\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}},"
                + "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" + arm64
                + "\",\"size\":1,\"platform\":{\"architecture\":\"arm64\",\"os\":\"linux\"}}]}";
        Digest index = upstream.putManifest(remote, "multi", MediaType.OCI_INDEX_V1, bytes(json));

        assertThat(manifests.refresh(local, Tag.parse("multi"))).isEqualTo(MISS);
        assertThat(read(Tag.parse("multi")).children()).as("no image cached yet").isEmpty();
        assertThat(manifests.refresh(local, amd64)).isEqualTo(MISS);

        assertThat(read(Tag.parse("multi")).children()).containsExactly(amd64);
        assertThat(registry.metadata.isChildOfAnother(local, amd64)).isTrue();
        assertThat(registry.metadata.untagged(local, 0, 10)).as("what gc.deleteuntagged collects").isEmpty();
        assertThat(manifests.refresh(local, amd64)).isEqualTo(HIT);
    }

    @Test
    void theTagListIsTheUpstreamsKeptForTheTtlAndTheCachedOneWhileTheUpstreamIsDown() {
        PullThroughTags tags = registry.pullThroughTags(cache);
        upstreamImage("v1", "a");
        upstreamImage("v2", "b");
        upstreamImage("latest", "c");
        manifests.refresh(local, v1);
        PageRequest all = new PageRequest(Optional.empty(), 100);

        PullThroughTags.Listed listed = tags.list(local, all).orElseThrow();
        assertThat(listed.page().items()).as("not only the cached v1").extracting(Tag::value)
                .containsExactly("latest", "v1", "v2");
        assertThat(listed.freshness()).isEqualTo(MISS);
        PullThroughTags.Listed second = tags.list(local, new PageRequest(Optional.of("latest"), 1)).orElseThrow();
        assertThat(second.page().items()).extracting(Tag::value).containsExactly("v1");
        assertThat(second.page().more()).isTrue();
        assertThat(second.freshness()).as("within the TTL").isEqualTo(HIT);
        assertThat(upstream.tagLists).hasValue(1);

        upstreamImage("v3", "d");
        registry.clock.advance(TTL.plusSeconds(1));
        assertThat(tags.list(local, all).orElseThrow().page().items()).extracting(Tag::value).contains("v3");

        upstream.down(true);
        registry.clock.advance(TTL.plusSeconds(1));
        PullThroughTags.Listed stale = tags.list(local, all).orElseThrow();
        assertThat(stale.page().items()).extracting(Tag::value).containsExactly("v1");
        assertThat(stale.freshness()).isEqualTo(STALE);
        assertThatThrownBy(() -> tags.list(RepositoryName.parse("hub/library/never"), all))
                .as("nothing cached to fall back on").isInstanceOf(UnavailableException.class);
        upstream.down(false);
        assertThatThrownBy(() -> tags.list(RepositoryName.parse("hub/library/never"), all))
                .isInstanceOf(dev.berth.domain.error.NameUnknownException.class);
        assertThat(tags.list(RepositoryName.parse("team/app"), all)).as("not proxied").isEmpty();
    }

    @Test
    void beyondItsSizeLimitAnUpstreamLosesItsLeastRecentlyPulledImages() {
        Digest a = upstreamImage("a", "a");
        Digest b = upstreamImage("b", "b");
        manifests.refresh(local, Tag.parse("a"));
        long one = registry.metadata.storedBytes("hub/");
        PullThroughCache limited = new PullThroughCache(List.of(new ProxyRoute("hub/", TTL, one + one / 2, upstream)));
        PullThroughManifest pulls = registry.pullThroughManifest(limited);
        EvictPullThroughCache evict = registry.evictPullThroughCache(limited);
        assertThat(evict.run()).as("within the limit").isEmpty();

        registry.clock.advance(Duration.ofSeconds(1));
        assertThat(pulls.refresh(local, Tag.parse("b"))).isEqualTo(MISS);
        registry.clock.advance(Duration.ofSeconds(1));
        assertThat(pulls.refresh(local, Tag.parse("a"))).as("a is pulled again, after b").isEqualTo(HIT);
        limited.flushPulls(registry.metadata);
        assertThat(limited.evictionDue()).isTrue();

        assertThat(evict.run()).extracting(ManifestStore.PulledManifest::digest).containsExactly(b);
        assertThat(limited.counts().evicted()).isEqualTo(1);
        assertThat(registry.metadata.exists(local, b)).isFalse();
        assertThat(registry.metadata.resolve(local, Tag.parse("b"))).as("its tag goes with it").isEmpty();
        assertThat(registry.metadata.exists(local, a)).isTrue();
        assertThat(registry.metadata.storedBytes("hub/")).isLessThanOrEqualTo(one + one / 2);
        assertThat(registry.outbox.added).extracting(RecordingOutbox.Added::action)
                .contains(dev.berth.application.event.EventAction.DELETE);
        assertThat(limited.evictionDue()).as("nothing stored since").isFalse();

        assertThat(pulls.refresh(local, b)).as("fetched again when asked for").isEqualTo(MISS);
    }

    @Test
    void whatTheCacheFetchesIsReportedAsPushesWhatItServesAsPulls() throws Exception {
        Digest first = upstreamImage("v1", "a");
        assertThat(manifests.refresh(local, v1)).isEqualTo(MISS);

        List<RecordingOutbox.Added> pushes = registry.outbox.added.stream()
                .filter(event -> event.action() == dev.berth.application.event.EventAction.PUSH).toList();
        assertThat(pushes).as("config, layer, then the manifest").hasSize(3);
        assertThat(pushes.getLast().json()).contains(first.toString()).contains("\"tag\":\"v1\"")
                .contains("hub/library/app");
        Digest layer = Digest.of(dev.berth.domain.DigestAlgorithm.SHA256, bytes("layer-a"));
        assertThat(pushes).anySatisfy(event -> assertThat(event.json()).contains(layer.toString()));

        int before = registry.outbox.added.size();
        assertThat(manifests.refresh(local, v1)).isEqualTo(HIT);
        assertThat(registry.outbox.added).as("nothing fetched").hasSize(before);
        assertThat(cache.counts().misses()).as("a miss per fetch, as the events").isEqualTo(pushes.size());
    }

    @Test
    void aCachedTagIsServedStaleWhileTheUpstreamIsDownAnUncachedOneIsUnavailable() {
        Digest digest = upstreamImage("v1", "a");
        manifests.refresh(local, v1);
        upstream.down(true);
        registry.clock.advance(TTL.plusSeconds(1));

        assertThat(manifests.refresh(local, v1)).isEqualTo(STALE);
        assertThat(read(v1).digest()).isEqualTo(digest);
        assertThatThrownBy(() -> manifests.refresh(local, Tag.parse("v2"))).isInstanceOf(UnavailableException.class);
        assertThat(cache.counts().stale()).isEqualTo(1);
        assertThat(cache.counts().upstreamErrors()).isEqualTo(2);
    }

    @Test
    void aCachedDigestNeverAsksTheUpstream() {
        Digest digest = upstreamImage("v1", "a");
        manifests.refresh(local, digest);
        upstream.down(true);

        assertThat(manifests.refresh(local, digest)).isEqualTo(HIT);
        assertThat(read(digest).digest()).isEqualTo(digest);
        assertThat(upstream.resolves).as("by digest: no tag to resolve").hasValue(0);
        Digest layer = Digest.of(dev.berth.domain.DigestAlgorithm.SHA256, bytes("layer-a"));
        assertThat(blobs.fetch(local, layer).size()).isEqualTo(bytes("layer-a").length);
    }

    @Test
    void aTagTheUpstreamDoesNotHaveIsUnknownAndRepositoriesOutsideThePrefixAreLocal() {
        assertThatThrownBy(() -> manifests.refresh(local, v1)).isInstanceOf(ManifestUnknownException.class);
        assertThat(manifests.refresh(RepositoryName.parse("team/app"), v1)).isEqualTo(LOCAL);
        assertThat(blobs.proxies(RepositoryName.parse("hub"))).as("the prefix itself names no upstream repository")
                .isFalse();
    }

    @Test
    void aManifestWhoseBytesDoNotMatchItsDigestIsNotStored() {
        Digest digest = upstreamImage("v1", "a");
        upstream.tamperManifests(true);

        assertThatThrownBy(() -> manifests.refresh(local, v1)).isInstanceOfSatisfying(UnavailableException.class,
                e -> assertThat(e.detail()).contains("does not match"));
        assertThat(registry.metadata.exists(local, digest)).isFalse();
        assertThat(registry.metadata.resolve(local, v1)).isEmpty();
    }

    @Test
    void concurrentRequestsForAMissingBlobFetchItOnceAndTheFirstClientGetsTheBytesAsTheyArrive() throws Exception {
        byte[] content = new byte[200_000];
        new Random(1).nextBytes(content);
        Digest digest = upstream.putBlob(content);
        CountDownLatch release = new CountDownLatch(1);
        upstream.holdBlobs(release);
        ExecutorService pool = Executors.newFixedThreadPool(10);
        List<ByteArrayOutputStream> clients = new ArrayList<>();
        List<Future<Optional<LinkedBlob>>> results = new ArrayList<>();
        try {
            for (int i = 0; i < 10; i++) {
                ByteArrayOutputStream client = new ByteArrayOutputStream();
                clients.add(client);
                results.add(pool.submit(() -> blobs.fetch(local, digest, size -> {
                    assertThat(size).isEqualTo(content.length);
                    return client;
                })));
            }
            Thread.sleep(200);
            release.countDown();
            int streamed = 0;
            for (int i = 0; i < 10; i++) {
                Optional<LinkedBlob> result = results.get(i).get();
                if (result.isEmpty()) {
                    streamed++;
                    assertThat(clients.get(i).toByteArray()).isEqualTo(content);
                } else {
                    assertThat(result.get().size()).isEqualTo(content.length);
                    assertThat(clients.get(i).size()).as("served from storage by the caller").isZero();
                }
            }
            assertThat(streamed).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(upstream.blobGets).hasValue(1);
        assertThat(registry.blobs.stores(digest)).isTrue();
        assertThat(cache.counts().bytesFetched()).isEqualTo(content.length);
    }

    @Test
    void aBlobWhoseBytesDoNotMatchItsDigestIsNeverStoredAndTheClientNeverGetsItWhole() {
        byte[] content = new byte[50_000];
        new Random(2).nextBytes(content);
        Digest digest = upstream.putBlob(content);
        byte[] corrupt = content.clone();
        corrupt[40_000] ^= 1;
        upstream.corrupt(digest, corrupt);
        ByteArrayOutputStream client = new ByteArrayOutputStream();

        assertThatThrownBy(() -> blobs.fetch(local, digest, size -> client)).isInstanceOfSatisfying(
                UnavailableException.class, e -> assertThat(e.detail()).contains("do not match"));
        assertThat(client.size()).as("held one read short of the end").isLessThan(content.length);
        assertThat(registry.blobs.stores(digest)).isFalse();
        assertThat(registry.blobs.uploadsInProgress()).isZero();
        assertThat(registry.metadata.linkedSize(local, digest)).isEmpty();

        upstream.corrupt(digest, content);
        ByteArrayOutputStream second = new ByteArrayOutputStream();
        assertThat(blobs.fetch(local, digest, size -> second)).isEmpty();
        assertThat(second.toByteArray()).isEqualTo(content);
    }

    @Test
    void aBlobCachedForAnotherRepositoryIsLinkedOnlyWhenTheUpstreamHasIt() {
        Digest digest = upstream.putBlob(bytes("shared"));
        blobs.fetch(local, digest);
        RepositoryName other = RepositoryName.parse("hub/library/other");

        assertThat(blobs.fetch(other, digest).size()).isEqualTo(6);
        assertThat(upstream.blobGets).as("linked, not fetched again").hasValue(1);
        Digest unknown = registry.push(RepositoryName.parse("team/private"), bytes("private"));
        assertThatThrownBy(() -> blobs.fetch(other, unknown))
                .isInstanceOf(dev.berth.domain.error.BlobUnknownException.class);
    }

    @Test
    void inReadOnlyModeTheCacheServesWhatItHoldsAndTakesNothingNew() {
        Digest digest = upstreamImage("v1", "a");
        manifests.refresh(local, v1);
        Digest moved = upstreamImage("v1", "b");
        registry.maintenance.setReadOnly(true);
        registry.clock.advance(TTL.plusSeconds(1));

        assertThat(manifests.refresh(local, v1)).as("unconfirmed, not moved").isEqualTo(STALE);
        assertThat(read(v1).digest()).isEqualTo(digest);
        assertThat(manifests.refresh(local, digest)).isEqualTo(HIT);
        assertThatThrownBy(() -> manifests.refresh(local, moved)).isInstanceOf(UnavailableException.class);
        assertThatThrownBy(() -> manifests.refresh(local, Tag.parse("v2"))).isInstanceOf(UnavailableException.class);
        assertThatThrownBy(() -> blobs.fetch(local, upstream.putBlob(bytes("new")))).isInstanceOf(UnavailableException.class);
        assertThat(upstream.resolves).hasValue(1);
    }

    @Test
    void replacedRoutesTakeEffectAtOnceAndADroppedLimitIsNoLongerChecked() {
        Digest pushed = upstreamImage("v1", "r");
        FakeUpstream other = new FakeUpstream();
        ProxyRoute limited = new ProxyRoute("mirror/", TTL, 1, other);
        cache.replaceRoutes(List.of(new ProxyRoute("hub/", TTL, upstream), limited));
        assertThat(cache.route(RepositoryName.parse("mirror/library/app"))).map(PullThroughCache.Proxied::route)
                .contains(limited);
        assertThat(cache.evictionDue()).as("a new route with a limit is checked").isTrue();
        assertThat(manifests.refresh(local, v1)).as("an unchanged route still serves").isEqualTo(MISS);
        assertThat(read(v1).digest()).isEqualTo(pushed);

        cache.replaceRoutes(List.of());
        assertThat(cache.route(local)).isEmpty();
        assertThat(cache.evictionDue()).as("a removed route is not checked").isFalse();
        cache.requireWritable(local);
    }

    @Test
    void pushesAndDeletesIntoAProxiedNamespaceAreRefused() {
        assertThatThrownBy(() -> cache.requireWritable(local)).isInstanceOfSatisfying(UnsupportedException.class,
                e -> assertThat(e.refused()).isEqualTo(UnsupportedException.Refused.WRITES));
        cache.requireWritable(RepositoryName.parse("team/app"));
        PullThroughCache wholeRegistry = new PullThroughCache(List.of(new ProxyRoute("", TTL, upstream)));
        assertThatThrownBy(() -> wholeRegistry.requireWritable(RepositoryName.parse("team/app")))
                .isInstanceOf(UnsupportedException.class).hasMessageContaining("unsupported");
        assertThat(wholeRegistry.route(local).orElseThrow().remote()).isEqualTo(local);
        assertThat(cache.route(local).orElseThrow().remote()).isEqualTo(remote);
    }
}
