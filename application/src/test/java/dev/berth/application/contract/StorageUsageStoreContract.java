package dev.berth.application.contract;

import dev.berth.application.port.BlobLinkStore;
import dev.berth.application.port.ManifestStore;
import dev.berth.application.port.RepositoryCatalog;
import dev.berth.application.port.StorageUsageStore;
import dev.berth.application.port.StoredManifest;
import dev.berth.application.port.Transactions;
import dev.berth.application.usage.NamespaceUsage;
import dev.berth.application.usage.Quota;
import dev.berth.application.usage.QuotaGuard;
import dev.berth.application.usage.RegistryUsage;
import dev.berth.domain.Digest;
import dev.berth.domain.DigestAlgorithm;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.error.DeniedException;
import dev.berth.domain.manifest.MediaType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Deduplicated usage and quotas, whatever stores them: the numbers follow every link, manifest and
 * repository change exactly. The in-memory fake computes them, PostgreSQL keeps them.
 */
public abstract class StorageUsageStoreContract {

    private static final RepositoryName TEAM_APP = new RepositoryName("team/app");
    private static final RepositoryName TEAM_WEB = new RepositoryName("team/web");
    private static final RepositoryName OTHER_APP = new RepositoryName("other/app");
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

    protected RepositoryCatalog catalog;
    protected BlobLinkStore blobs;
    protected ManifestStore manifests;
    protected Transactions transactions;
    protected StorageUsageStore usage;

    /** The ports under test, over an empty store: called before each test. */
    protected abstract UsagePorts emptyStore();

    @BeforeEach
    void openEmptyStore() {
        UsagePorts ports = emptyStore();
        catalog = ports.catalog();
        blobs = ports.blobs();
        manifests = ports.manifests();
        transactions = ports.transactions();
        usage = ports.usage();
    }

    @Test
    void anEmptyRegistryUsesNothing() {
        assertThat(usage.registry()).isEqualTo(new RegistryUsage(0, 0, 0, 0, 0));
        assertThat(usage.largest(0, 10)).isEmpty();
        assertThat(usage.countNamespaces()).isZero();
        assertThat(usage.namespace("team")).isEmpty();
    }

    @Test
    void aBlobCountsOncePerNamespaceAndOnceForTheRegistry() {
        Digest shared = blob("shared", 10_000);
        Digest own = blob("own", 100);
        blobs.link(TEAM_APP, shared);
        blobs.link(TEAM_WEB, shared);
        blobs.link(TEAM_WEB, own);
        blobs.link(TEAM_WEB, own);
        blobs.link(OTHER_APP, shared);
        blobs.link(new RepositoryName("alpine"), own);

        assertThat(usage.namespace("team")).hasValue(usage("team", 2, 2, 10_100, 0));
        assertThat(usage.namespace("other")).hasValue(usage("other", 1, 1, 10_000, 0));
        assertThat(usage.namespace("alpine")).as("a name without '/' is its own namespace")
                .hasValue(usage("alpine", 1, 1, 100, 0));
        assertThat(usage.registry()).isEqualTo(new RegistryUsage(3, 4, 2, 10_100, 0));
    }

    @Test
    void unlinkingTakesABlobAwayOnlyWithItsLastLinkInTheNamespace() {
        Digest shared = blob("shared", 10_000);
        blobs.link(TEAM_APP, shared);
        blobs.link(TEAM_WEB, shared);
        blobs.link(OTHER_APP, shared);

        blobs.unlink(TEAM_APP, shared);
        assertThat(usage.namespace("team").orElseThrow().blobBytes()).isEqualTo(10_000);
        blobs.unlink(TEAM_WEB, shared);
        assertThat(usage.namespace("team").orElseThrow().blobBytes()).isZero();
        assertThat(usage.registry().blobBytes()).as("other/app still links it").isEqualTo(10_000);
        blobs.unlink(OTHER_APP, shared);
        assertThat(usage.registry().blobs()).isZero();
        assertThat(usage.registry().blobBytes()).isZero();
    }

    @Test
    void manifestsCountWithTheirPayloads() {
        Digest config = blob("config", 100);
        blobs.link(TEAM_APP, config);
        StoredManifest image = manifest("image", config);
        manifests.put(TEAM_APP, image);
        manifests.put(TEAM_WEB, image);

        assertThat(usage.namespace("team").orElseThrow().manifestBytes()).isEqualTo(2L * image.size());
        assertThat(usage.registry().storedBytes()).isEqualTo(100 + 2L * image.size());
        manifests.delete(TEAM_WEB, image.digest());
        assertThat(usage.namespace("team").orElseThrow().storedBytes()).isEqualTo(100 + image.size());
    }

    @Test
    void deletingARepositoryTakesAwayAllItHeld() {
        Digest shared = blob("shared", 10_000);
        Digest own = blob("own", 100);
        blobs.link(TEAM_APP, shared);
        blobs.link(TEAM_APP, own);
        blobs.link(TEAM_WEB, shared);
        manifests.put(TEAM_APP, manifest("image", own, shared));

        catalog.delete(TEAM_APP);
        assertThat(usage.namespace("team")).hasValue(usage("team", 1, 1, 10_000, 0));
        assertThat(usage.registry()).isEqualTo(new RegistryUsage(1, 1, 1, 10_000, 0));
        catalog.delete(TEAM_WEB);
        assertThat(usage.namespace("team")).as("no repository, no quota: no namespace").isEmpty();
        assertThat(usage.registry()).isEqualTo(new RegistryUsage(0, 0, 0, 0, 0));
    }

    @Test
    void namespacesComeLargestFirst() {
        blobs.link(new RepositoryName("small/app"), blob("small", 10));
        blobs.link(new RepositoryName("large/app"), blob("large", 1_000));
        blobs.link(new RepositoryName("medium/app"), blob("medium", 100));

        assertThat(usage.largest(0, 10)).extracting(NamespaceUsage::namespace).containsExactly("large", "medium", "small");
        assertThat(usage.largest(1, 1)).extracting(NamespaceUsage::namespace).containsExactly("medium");
        assertThat(usage.countNamespaces()).isEqualTo(3);
    }

    @Test
    void quotasAreKeptSetAndRemoved() {
        blobs.link(TEAM_APP, blob("layer", 100));
        assertThat(usage.lockQuota("team")).as("no quota, nothing to lock").isEmpty();

        Quota quota = new Quota(OptionalLong.of(1_000_000), OptionalLong.of(5));
        usage.setQuota("team", quota);
        usage.setQuota("future", new Quota(OptionalLong.of(10), OptionalLong.empty()));
        assertThat(usage.namespace("team").orElseThrow().quotaBytes()).hasValue(1_000_000);
        assertThat(usage.namespace("team").orElseThrow().quotaRepositories()).hasValue(5);
        assertThat(transactions.inTransaction(() -> usage.lockQuota("team"))).hasValue(
                new NamespaceUsage("team", 1, 1, 100, 0, OptionalLong.of(1_000_000), OptionalLong.of(5)));
        assertThat(usage.namespace("future")).as("a quota before any repository")
                .hasValue(new NamespaceUsage("future", 0, 0, 0, 0, OptionalLong.of(10), OptionalLong.empty()));

        usage.setQuota("team", Quota.NONE);
        assertThat(usage.lockQuota("team")).isEmpty();
        assertThat(usage.namespace("team").orElseThrow().quotaBytes()).isEmpty();
        usage.setQuota("future", Quota.NONE);
        assertThat(usage.namespace("future")).as("no repository and no quota: no namespace").isEmpty();
        assertThat(usage.largest(0, 10)).extracting(NamespaceUsage::namespace).containsExactly("team");
    }

    @Test
    void holdsTellsWhetherTheNamespaceLinksABlob() {
        Digest layer = blob("layer", 100);
        blobs.link(TEAM_APP, layer);
        assertThat(usage.holds("team", layer)).isTrue();
        assertThat(usage.holds("other", layer)).isFalse();
        blobs.unlink(TEAM_APP, layer);
        assertThat(usage.holds("team", layer)).isFalse();
    }

    @Test
    void concurrentLinksOfOneBlobCountItExactly() throws Exception {
        Digest layer = blob("layer", 1_000);
        int threads = 8;
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                RepositoryName repository = new RepositoryName((i % 2 == 0 ? "even" : "odd") + "/repo" + i);
                done.add(pool.submit(() -> {
                    start.await();
                    blobs.link(repository, layer);
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(usage.namespace("even").orElseThrow().blobBytes()).isEqualTo(1_000);
        assertThat(usage.namespace("odd").orElseThrow().blobBytes()).isEqualTo(1_000);
        assertThat(usage.registry()).isEqualTo(new RegistryUsage(2, threads, 1, 1_000, 0));
    }

    @Test
    void concurrentPushesUnderAQuotaAreCheckedOneAfterTheOther() throws Exception {
        usage.setQuota("team", new Quota(OptionalLong.of(3_000), OptionalLong.empty()));
        QuotaGuard guard = new QuotaGuard(usage);
        int threads = 8;
        List<Digest> layers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            layers.add(blob("layer " + i, 1_000));
        }
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        int admitted = 0;
        try {
            List<Future<Boolean>> done = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                Digest layer = layers.get(i);
                RepositoryName repository = new RepositoryName("team/repo" + i);
                done.add(pool.submit(() -> {
                    start.await();
                    try {
                        transactions.run(() -> {
                            guard.admitBlob(repository, layer, 1_000);
                            blobs.link(repository, layer);
                        });
                        return true;
                    } catch (DeniedException e) {
                        return false;
                    }
                }));
            }
            for (Future<Boolean> f : done) {
                admitted += f.get() ? 1 : 0;
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(admitted).isEqualTo(3);
        assertThat(usage.namespace("team").orElseThrow().blobBytes()).isEqualTo(3_000);
    }

    @Test
    void concurrentDeletionsOfRepositoriesSharingBlobsAllSucceed() throws Exception {
        for (int round = 0; round < 3; round++) {
            List<Digest> manifestDigests = pushSharedLayers(round);
            List<Optional<List<Digest>>> deleted = concurrently(REPOSITORIES.size(),
                    i -> catalog.delete(REPOSITORIES.get(i)));
            for (int i = 0; i < REPOSITORIES.size(); i++) {
                assertThat(deleted.get(i)).as("round " + round).hasValue(List.of(manifestDigests.get(i)));
            }
            assertThat(usage.registry()).as("round " + round).isEqualTo(new RegistryUsage(0, 0, 0, 0, 0));
            assertThat(usage.countNamespaces()).isZero();
        }
    }

    @Test
    void concurrentDeletionsOfManifestsSharingLayersAllSucceed() throws Exception {
        for (int round = 0; round < 3; round++) {
            List<Digest> manifestDigests = pushSharedLayers(round);
            List<Boolean> deleted = concurrently(REPOSITORIES.size(),
                    i -> manifests.delete(REPOSITORIES.get(i), manifestDigests.get(i)));
            assertThat(deleted).as("round " + round).containsOnly(true);
            assertThat(usage.registry().manifestBytes()).as("round " + round).isZero();
        }
    }

    @Test
    void pushesUnderAQuotaRacingTheDeletionOfARepositorySharingTheirLayersAllSucceed() throws Exception {
        usage.setQuota("team", new Quota(OptionalLong.of(1_000_000_000), OptionalLong.empty()));
        QuotaGuard guard = new QuotaGuard(usage);
        RepositoryName old = new RepositoryName("team/old");
        for (int round = 0; round < 3; round++) {
            RepositoryName pushed = new RepositoryName("team/new" + round);
            List<Digest> layers = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                Digest layer = blob("quota round " + round + " layer " + i, 1_000);
                layers.add(layer);
                blobs.link(old, layer);
            }
            manifests.put(old, manifest("old of round " + round, layers.toArray(Digest[]::new)));
            List<Digest> reversed = new ArrayList<>(layers);
            Collections.reverse(reversed);
            List<Boolean> done = concurrently(2, i -> {
                if (i == 0) {
                    return catalog.delete(old).isPresent();
                }
                // one upload completion per layer, each checked against the quota as Berth does
                for (Digest layer : reversed) {
                    transactions.run(() -> {
                        guard.admitBlob(pushed, layer, 1_000);
                        blobs.recordAndLink(pushed, layer, 1_000);
                    });
                }
                return true;
            });
            assertThat(done).as("round " + round).containsExactly(true, true);
            assertThat(usage.namespace("team").orElseThrow().blobBytes()).as("round " + round)
                    .isEqualTo(60_000L * (round + 1));
        }
    }

    /**
     * Clients pushing images into one repository, all sharing a config blob, while others delete the
     * images pushed before: the mix of the load test, where uploads, manifest pushes and deletions met
     * the same repository, blob and namespace rows in different orders.
     */
    @Test
    void concurrentUploadsManifestPushesAndDeletionsInOneRepositoryAllSucceed() throws Exception {
        Digest config = blob("shared config", 500);
        blobs.link(TEAM_APP, config);
        int clients = 6;
        int rounds = 8;
        List<Long> lastImageBytes = concurrently(clients, c -> {
            StoredManifest previous = null;
            for (int round = 0; round < rounds; round++) {
                byte[] content = ("client " + c + " round " + round).getBytes(UTF_8);
                Digest layer = Digest.of(DigestAlgorithm.SHA256, content);
                blobs.recordAndLink(TEAM_APP, config, 500);
                blobs.recordAndLink(TEAM_APP, layer, content.length);
                StoredManifest image = manifest("client " + c + " image " + round, config, layer);
                manifests.put(TEAM_APP, image);
                if (previous != null) {
                    assertThat(manifests.delete(TEAM_APP, previous.digest())).isTrue();
                }
                previous = image;
            }
            return (long) previous.payload().length;
        });
        assertThat(usage.namespace("team").orElseThrow().manifestBytes())
                .isEqualTo(lastImageBytes.stream().mapToLong(Long::longValue).sum());
        assertThat(usage.registry().blobs()).isEqualTo(1 + clients * rounds);
    }

    private static final List<RepositoryName> REPOSITORIES = List.of(TEAM_APP, TEAM_WEB, OTHER_APP,
            new RepositoryName("other/web"));

    /**
     * Sixty new layers linked by every repository of {@link #REPOSITORIES} and listed by one manifest in
     * each, every other repository linking and listing them the other way round; the manifests' digests.
     */
    private List<Digest> pushSharedLayers(int round) {
        List<Digest> layers = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            layers.add(blob("round " + round + " layer " + i, 1_000 + i));
        }
        List<Digest> digests = new ArrayList<>();
        for (int r = 0; r < REPOSITORIES.size(); r++) {
            List<Digest> ordered = new ArrayList<>(layers);
            if (r % 2 == 1) {
                Collections.reverse(ordered);
            }
            for (Digest layer : ordered) {
                blobs.link(REPOSITORIES.get(r), layer);
            }
            StoredManifest image = manifest("round " + round + " of " + r, ordered.toArray(Digest[]::new));
            manifests.put(REPOSITORIES.get(r), image);
            digests.add(image.digest());
        }
        return digests;
    }

    /** Runs the task for 0..n-1 on n threads released at once; the results in that order. */
    private static <T> List<T> concurrently(int n, IntFunction<T> task) throws Exception {
        CyclicBarrier start = new CyclicBarrier(n);
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                futures.add(pool.submit(() -> {
                    start.await();
                    return task.apply(index);
                }));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    private static NamespaceUsage usage(String namespace, long repositories, long blobCount, long blobBytes,
                                        long manifestBytes) {
        return new NamespaceUsage(namespace, repositories, blobCount, blobBytes, manifestBytes, OptionalLong.empty(),
                OptionalLong.empty());
    }

    private Digest blob(String name, long size) {
        Digest digest = Digest.of(DigestAlgorithm.SHA256, name.getBytes(UTF_8));
        blobs.recordBlob(digest, size);
        return digest;
    }

    private static StoredManifest manifest(String name, Digest... blobs) {
        byte[] payload = ("{\"image\":\"" + name + "\"}").getBytes(UTF_8);
        return new StoredManifest(Digest.of(DigestAlgorithm.SHA256, payload), MediaType.DOCKER_MANIFEST_V2, payload,
                null, null, Map.of(), List.of(blobs), List.of(), T0);
    }
}
