package dev.berth.application.contract;

import dev.berth.application.browse.NamespaceSummary;
import dev.berth.application.browse.RepositorySort;
import dev.berth.application.browse.RepositorySummary;
import dev.berth.application.browse.TagSort;
import dev.berth.application.event.EventAction;
import dev.berth.application.port.ActivityStore;
import dev.berth.application.port.BlobLinkStore;
import dev.berth.application.port.ManifestStore;
import dev.berth.application.port.Referrer;
import dev.berth.application.port.RepositoryCatalog;
import dev.berth.application.port.RepositoryFilter;
import dev.berth.application.port.StoredManifest;
import dev.berth.application.port.TagStore;
import dev.berth.application.port.Transactions;
import dev.berth.application.port.UploadSession;
import dev.berth.application.port.UploadSessionStore;
import dev.berth.domain.Digest;
import dev.berth.domain.DigestAlgorithm;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.Tag;
import dev.berth.domain.UploadId;
import dev.berth.domain.access.RepositoryPattern;
import dev.berth.domain.manifest.MediaType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the registry relies on from its metadata ports, whatever stores them. Each implementation
 * extends this class; the in-memory fakes and the PostgreSQL adapter must pass the same tests.
 */
public abstract class MetadataStoreContract {

    protected static final RepositoryName APP = new RepositoryName("team/app");
    protected static final RepositoryName OTHER = new RepositoryName("team/other");
    /** Microseconds at most: what PostgreSQL's timestamptz keeps. */
    protected static final Instant T0 = Instant.parse("2026-03-01T12:00:00.123456Z");
    private static final String SBOM = "application/spdx+json";
    private static final String SIGNATURE = "application/vnd.dev.cosign.artifact.sig.v1+json";
    private static final int THREADS = 8;

    protected RepositoryCatalog catalog;
    protected BlobLinkStore blobs;
    protected ManifestStore manifests;
    protected TagStore tags;
    protected UploadSessionStore uploads;
    protected Transactions transactions;
    protected ActivityStore activity;

    /** The ports under test, over an empty store: called before each test. */
    protected abstract MetadataPorts emptyStore();

    @BeforeEach
    void openEmptyStore() {
        MetadataPorts ports = emptyStore();
        catalog = ports.catalog();
        blobs = ports.blobs();
        manifests = ports.manifests();
        tags = ports.tags();
        uploads = ports.uploads();
        transactions = ports.transactions();
        activity = ports.activity();
    }

    @Nested
    class Repositories {

        @Test
        void ensureCreatesTheRepositoryOnce() {
            catalog.ensure(APP);
            catalog.ensure(APP);

            assertThat(catalog.exists(APP)).isTrue();
            assertThat(catalog.exists(OTHER)).isFalse();
            assertThat(catalog.list(RepositoryFilter.ALL, Optional.empty(), 10)).containsExactly(APP);
        }

        @Test
        void listsInByteOrderNotInTheLocaleOrder() {
            List<String> byteOrder = List.of("a", "a-b", "a.b", "a/b", "a0", "a__b", "a_b", "b", "b/a");
            List<String> shuffled = new ArrayList<>(byteOrder);
            Collections.shuffle(shuffled, new Random(7));
            shuffled.forEach(name -> catalog.ensure(new RepositoryName(name)));

            assertThat(names(catalog.list(RepositoryFilter.ALL, Optional.empty(), 100))).containsExactlyElementsOf(byteOrder);
        }

        @Test
        void pagesStrictlyAfterTheGivenName() {
            List.of("a", "a-b", "a/b", "b").forEach(name -> catalog.ensure(new RepositoryName(name)));

            assertThat(names(catalog.list(RepositoryFilter.ALL, Optional.empty(), 2))).containsExactly("a", "a-b");
            assertThat(names(catalog.list(RepositoryFilter.ALL, Optional.of("a-b"), 2))).containsExactly("a/b", "b");
            assertThat(names(catalog.list(RepositoryFilter.ALL, Optional.of("b"), 2))).isEmpty();
            // the last name of a page need not exist any more
            assertThat(names(catalog.list(RepositoryFilter.ALL, Optional.of("a/a"), 10))).containsExactly("a/b", "b");
        }

        @Test
        void listsOnlyWhatTheFilterLetsThroughPagingStrictlyAfterTheGivenName() {
            List.of("ci/a", "ci/b", "ci_x", "cia", "secret/app", "team/ci/c").forEach(name -> catalog.ensure(new RepositoryName(name)));
            RepositoryFilter ci = new RepositoryFilter("", "", List.of(
                    List.of(new RepositoryPattern("ci/*"), new RepositoryPattern("team/*")),
                    List.of(new RepositoryPattern("*/a"), new RepositoryPattern("ci/b"), new RepositoryPattern("*/c"))));

            assertThat(names(catalog.list(ci, Optional.empty(), 10))).containsExactly("ci/a", "ci/b", "team/ci/c");
            assertThat(names(catalog.list(ci, Optional.of("ci/a"), 1))).containsExactly("ci/b");
            // '_' of a pattern is no LIKE wildcard
            assertThat(names(catalog.list(new RepositoryFilter("", "", List.of(List.of(new RepositoryPattern("ci_*")))),
                    Optional.empty(), 10))).containsExactly("ci_x");
        }

        @Test
        void aLimitOfZeroListsNothing() {
            catalog.ensure(APP);

            assertThat(catalog.list(RepositoryFilter.ALL, Optional.empty(), 0)).isEmpty();
        }

        private static List<String> names(List<RepositoryName> names) {
            return names.stream().map(RepositoryName::value).toList();
        }
    }

    @Nested
    class Blobs {

        @Test
        void allRecordedBlobsComeOutAPageAtATimeInDigestOrder() {
            List<Digest> recorded = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                Digest digest = digestOf("blob " + i);
                blobs.recordBlob(digest, i);
                recorded.add(digest);
            }
            recorded.sort(Comparator.comparing(Digest::toString));

            List<BlobLinkStore.StoredBlob> first = blobs.blobsAfter(Optional.empty(), 3);
            List<BlobLinkStore.StoredBlob> rest = blobs.blobsAfter(Optional.of(first.getLast().digest()), 3);

            assertThat(first).extracting(BlobLinkStore.StoredBlob::digest).containsExactlyElementsOf(recorded.subList(0, 3));
            assertThat(rest).extracting(BlobLinkStore.StoredBlob::digest).containsExactlyElementsOf(recorded.subList(3, 5));
            assertThat(rest.getFirst().size()).isEqualTo(blobs.blobSize(rest.getFirst().digest()).getAsLong());
            assertThat(blobs.blobsAfter(Optional.of(recorded.getLast()), 3)).isEmpty();
        }

        @Test
        void recordsTheSizeOnceForAllRepositories() {
            Digest digest = digestOf("layer");
            blobs.recordBlob(digest, 5);
            blobs.recordBlob(digest, 5);

            assertThat(blobs.blobSize(digest)).hasValue(5);
            assertThat(blobs.blobSize(digestOf("unknown"))).isEmpty();
            assertThat(blobs.linkedSize(APP, digest)).as("recorded, not linked").isEmpty();
        }

        @Test
        void aBlobMarkedMissingIsUnknownUntilRecordedAgain() {
            Digest digest = recordedBlob("layer");
            blobs.link(APP, digest);

            blobs.markMissing(digest);
            blobs.markMissing(digestOf("never recorded"));

            assertThat(blobs.blobSize(digest)).isEmpty();
            assertThat(blobs.linkedSize(APP, digest)).isEmpty();
            assertThat(blobs.blobsAfter(Optional.empty(), 10)).containsExactly(new BlobLinkStore.StoredBlob(digest, 5, true));
            assertThat(blobs.usage(APP).blobs()).as("the link stays").isEqualTo(1);

            blobs.recordBlob(digest, 5);

            assertThat(blobs.linkedSize(APP, digest)).hasValue(5);
            assertThat(blobs.blobsAfter(Optional.empty(), 10)).containsExactly(new BlobLinkStore.StoredBlob(digest, 5, false));
        }

        @Test
        void aLinkMakesTheBlobVisibleInThatRepositoryOnly() {
            Digest digest = recordedBlob("layer");
            blobs.link(APP, digest);
            blobs.link(APP, digest);

            assertThat(blobs.linkedSize(APP, digest)).hasValue(5);
            assertThat(blobs.linkedSize(OTHER, digest)).isEmpty();
            assertThat(catalog.exists(APP)).as("linking creates the repository").isTrue();
            assertThat(catalog.exists(OTHER)).isFalse();
        }

        @Test
        void unlinkRemovesTheLinkFromOneRepositoryOnly() {
            Digest digest = recordedBlob("layer");
            blobs.link(APP, digest);
            blobs.link(OTHER, digest);

            assertThat(blobs.unlink(APP, digest)).isTrue();
            assertThat(blobs.unlink(APP, digest)).isFalse();

            assertThat(blobs.linkedSize(APP, digest)).isEmpty();
            assertThat(blobs.linkedSize(OTHER, digest)).hasValue(5);
            assertThat(blobs.blobSize(digest)).hasValue(5);
        }

        @Test
        void onlyARecordedBlobCanBeLinked() {
            Digest digest = digestOf("never stored");

            assertThatThrownBy(() -> blobs.link(APP, digest)).isInstanceOf(RuntimeException.class);
            assertThat(blobs.linkedSize(APP, digest)).isEmpty();
        }
    }

    @Nested
    class Manifests {

        @Test
        void keepsTheExactBytesAndEverythingDerivedFromThem() {
            Digest config = recordedBlob("config");
            Digest layer = recordedBlob("layer");
            // not UTF-8, with a NUL: bytes are bytes
            byte[] payload = {'{', 0, (byte) 0xff, (byte) 0xc3, '}', '\n'};
            StoredManifest manifest = new StoredManifest(Digest.of(DigestAlgorithm.SHA256, payload),
                    MediaType.OCI_MANIFEST_V1, payload, SBOM, digestOf("subject"),
                    Map.of("org.opencontainers.image.created", "2026-03-01T12:00:00Z", "note", "Grüße ✓"),
                    List.of(config, layer, layer), List.of(), T0);
            manifests.put(APP, manifest);

            StoredManifest stored = manifests.get(APP, manifest.digest()).orElseThrow();
            assertThat(stored.payload()).isEqualTo(payload);
            assertThat(stored).usingRecursiveComparison().isEqualTo(manifest);
            assertThat(stored.size()).isEqualTo(payload.length);
            assertThat(manifests.exists(APP, manifest.digest())).isTrue();
        }

        @Test
        void keepsAbsentArtifactTypeSubjectAndAnnotationsAbsent() {
            StoredManifest manifest = image("plain", T0);
            manifests.put(APP, manifest);

            StoredManifest stored = manifests.get(APP, manifest.digest()).orElseThrow();
            assertThat(stored.artifactType()).isNull();
            assertThat(stored.subject()).isNull();
            assertThat(stored.annotations()).isEmpty();
            assertThat(stored.children()).isEmpty();
            assertThat(stored.mediaType()).isEqualTo(MediaType.DOCKER_MANIFEST_V2);
        }

        @Test
        void putIsIdempotentAndCreatesTheRepository() {
            StoredManifest manifest = image("app", T0);
            manifests.put(APP, manifest);
            manifests.put(APP, withPushedAt(manifest, T0.plusSeconds(60)));

            assertThat(manifests.get(APP, manifest.digest()).orElseThrow().pushedAt())
                    .as("the first push stays").isEqualTo(T0);
            assertThat(catalog.list(RepositoryFilter.ALL, Optional.empty(), 10)).containsExactly(APP);
        }

        @Test
        void aManifestBelongsToItsRepository() {
            StoredManifest manifest = image("app", T0);
            manifests.put(APP, manifest);

            assertThat(manifests.exists(OTHER, manifest.digest())).isFalse();
            assertThat(manifests.get(OTHER, manifest.digest())).isEmpty();
            assertThat(manifests.get(APP, digestOf("unknown"))).isEmpty();
            assertThat(manifests.exists(APP, digestOf("unknown"))).isFalse();
        }

        @Test
        void getTaggedFollowsTheTag() {
            StoredManifest v1 = image("v1", T0);
            StoredManifest v2 = image("v2", T0.plusSeconds(1));
            manifests.put(APP, v1);
            manifests.put(APP, v2);

            tags.tag(APP, new Tag("latest"), v1.digest());
            assertThat(manifests.getTagged(APP, new Tag("latest")).orElseThrow().digest()).isEqualTo(v1.digest());

            tags.tag(APP, new Tag("latest"), v2.digest());
            StoredManifest tagged = manifests.getTagged(APP, new Tag("latest")).orElseThrow();
            assertThat(tagged).usingRecursiveComparison().isEqualTo(v2);

            assertThat(manifests.getTagged(APP, new Tag("missing"))).isEmpty();
            assertThat(manifests.getTagged(OTHER, new Tag("latest"))).isEmpty();
        }

        @Test
        void deleteRemovesTheManifestAndItsTagsOnly() {
            StoredManifest doomed = image("doomed", T0);
            StoredManifest kept = image("kept", T0);
            manifests.put(APP, doomed);
            manifests.put(APP, kept);
            tags.tag(APP, new Tag("latest"), doomed.digest());
            tags.tag(APP, new Tag("v1"), doomed.digest());
            tags.tag(APP, new Tag("stable"), kept.digest());

            assertThat(manifests.delete(APP, doomed.digest())).isTrue();
            assertThat(manifests.delete(APP, doomed.digest())).isFalse();

            assertThat(manifests.get(APP, doomed.digest())).isEmpty();
            assertThat(manifests.exists(APP, doomed.digest())).isFalse();
            assertThat(tags.resolve(APP, new Tag("latest"))).isEmpty();
            assertThat(manifests.getTagged(APP, new Tag("v1"))).isEmpty();
            assertThat(tags.list(APP, Optional.empty(), 10)).containsExactly(new Tag("stable"));
            assertThat(manifests.exists(APP, kept.digest())).isTrue();
        }

        @Test
        void deleteInAnotherRepositoryRemovesNothing() {
            StoredManifest manifest = image("app", T0);
            manifests.put(APP, manifest);

            assertThat(manifests.delete(OTHER, manifest.digest())).isFalse();
            assertThat(manifests.exists(APP, manifest.digest())).isTrue();
        }

        @Test
        void onlyRecordedBlobsCanBeReferenced() {
            StoredManifest manifest = manifest("dangling", List.of(digestOf("never stored")), List.of(), T0);

            assertThatThrownBy(() -> manifests.put(APP, manifest)).isInstanceOf(RuntimeException.class);
            assertThat(manifests.exists(APP, manifest.digest())).isFalse();
        }
    }

    @Nested
    class Indexes {

        @Test
        void anIndexMakesItsChildrenChildren() {
            MultiPlatform multi = multiPlatform();

            assertThat(manifests.get(APP, multi.index().digest()).orElseThrow().children())
                    .containsExactly(multi.amd64().digest(), multi.arm64().digest());
            assertThat(manifests.isChildOfAnother(APP, multi.amd64().digest())).isTrue();
            assertThat(manifests.isChildOfAnother(APP, multi.arm64().digest())).isTrue();
            assertThat(manifests.isChildOfAnother(APP, multi.index().digest())).isFalse();
            assertThat(manifests.isChildOfAnother(OTHER, multi.amd64().digest())).isFalse();
        }

        @Test
        void aListedChildCannotBeDeletedUntilItsIndexIs() {
            StoredManifest child = image("child", T0);
            manifests.put(APP, child);
            StoredManifest index = index("multi", List.of(child.digest()));
            manifests.put(APP, index);

            assertThatThrownBy(() -> manifests.delete(APP, child.digest())).isInstanceOf(RuntimeException.class);
            assertThat(manifests.exists(APP, child.digest())).isTrue();

            assertThat(manifests.delete(APP, index.digest())).isTrue();
            assertThat(manifests.isChildOfAnother(APP, child.digest())).isFalse();
            assertThat(manifests.delete(APP, child.digest())).isTrue();
        }

        @Test
        void childrenMustBeInTheRepositoryFirst() {
            StoredManifest child = image("child", T0);
            manifests.put(OTHER, child);
            StoredManifest index = index("multi", List.of(child.digest()));

            assertThatThrownBy(() -> manifests.put(APP, index)).isInstanceOf(RuntimeException.class);
            assertThat(manifests.exists(APP, index.digest())).isFalse();
        }
    }

    @Nested
    class Referrers {

        private List<Referrer> all(RepositoryName repository, Digest subject, Optional<String> artifactType) {
            return manifests.referrers(repository, subject, artifactType, Optional.empty(), 1000);
        }

        @Test
        void listsManifestsWithTheSubjectInDigestOrderFromStoredColumns() {
            StoredManifest subject = image("subject", T0);
            manifests.put(APP, subject);
            StoredManifest sbom = referrer("sbom", SBOM, subject.digest(), T0.plusSeconds(1));
            StoredManifest signature = referrer("signature", SIGNATURE, subject.digest(), T0.plusSeconds(2));
            StoredManifest laterSbom = referrer("sbom 2", SBOM, subject.digest(), T0.plusSeconds(3));
            StoredManifest unrelated = referrer("unrelated", SBOM, digestOf("another subject"), T0.plusSeconds(4));
            List.of(laterSbom, unrelated, signature, sbom).forEach(m -> manifests.put(APP, m));

            assertThat(referrerDigests(all(APP, subject.digest(), Optional.empty())))
                    .containsExactlyElementsOf(sortedByDigest(sbom, signature, laterSbom));
            assertThat(all(APP, subject.digest(), Optional.empty()))
                    .contains(new Referrer(sbom.digest(), sbom.mediaType(), SBOM, sbom.size(), sbom.annotations(),
                            sbom.pushedAt()));
            assertThat(manifests.countReferrers(APP, subject.digest())).isEqualTo(3);
            assertThat(manifests.countReferrers(APP, digestOf("nothing refers to this"))).isZero();
        }

        @Test
        void pagesAfterTheLastDigestShown() {
            Digest subject = digestOf("subject");
            List<StoredManifest> five = IntStream.range(0, 5)
                    .mapToObj(i -> referrer("signature " + i, SIGNATURE, subject, T0.plusSeconds(i))).toList();
            five.forEach(m -> manifests.put(APP, m));
            List<Digest> ordered = sortedByDigest(five.toArray(StoredManifest[]::new));

            List<Referrer> first = manifests.referrers(APP, subject, Optional.empty(), Optional.empty(), 2);
            List<Referrer> second = manifests.referrers(APP, subject, Optional.empty(),
                    Optional.of(first.getLast().digest().toString()), 2);
            List<Referrer> third = manifests.referrers(APP, subject, Optional.of(SIGNATURE),
                    Optional.of(second.getLast().digest().toString()), 2);

            assertThat(referrerDigests(first)).isEqualTo(ordered.subList(0, 2));
            assertThat(referrerDigests(second)).isEqualTo(ordered.subList(2, 4));
            assertThat(referrerDigests(third)).isEqualTo(ordered.subList(4, 5));
        }

        @Test
        void filtersByArtifactType() {
            Digest subject = digestOf("subject");
            StoredManifest sbom = referrer("sbom", SBOM, subject, T0);
            StoredManifest signature = referrer("signature", SIGNATURE, subject, T0.plusSeconds(1));
            manifests.put(APP, sbom);
            manifests.put(APP, signature);

            assertThat(referrerDigests(all(APP, subject, Optional.of(SIGNATURE)))).containsExactly(signature.digest());
            assertThat(all(APP, subject, Optional.of("application/other"))).isEmpty();
        }

        @Test
        void areSeparatePerRepository() {
            Digest subject = digestOf("subject");
            manifests.put(APP, referrer("sbom", SBOM, subject, T0));

            assertThat(all(OTHER, subject, Optional.empty())).isEmpty();
            assertThat(manifests.countReferrers(OTHER, subject)).isZero();
        }

        @Test
        void goAwayWhenDeleted() {
            Digest subject = digestOf("subject");
            StoredManifest sbom = referrer("sbom", SBOM, subject, T0);
            manifests.put(APP, sbom);

            manifests.delete(APP, sbom.digest());

            assertThat(all(APP, subject, Optional.empty())).isEmpty();
        }

        private static List<Digest> referrerDigests(List<Referrer> referrers) {
            return referrers.stream().map(Referrer::digest).toList();
        }

        private static List<Digest> sortedByDigest(StoredManifest... manifests) {
            return Arrays.stream(manifests).map(StoredManifest::digest)
                    .sorted(Comparator.comparing(Digest::toString)).toList();
        }
    }

    @Nested
    class Tags {

        @Test
        void tagResolveAndUntag() {
            StoredManifest manifest = image("app", T0);
            manifests.put(APP, manifest);

            tags.tag(APP, new Tag("v1.0"), manifest.digest());

            assertThat(tags.resolve(APP, new Tag("v1.0"))).hasValue(manifest.digest());
            assertThat(tags.resolve(APP, new Tag("V1.0"))).as("case-sensitive").isEmpty();
            assertThat(tags.untag(APP, new Tag("v1.0"))).isTrue();
            assertThat(tags.untag(APP, new Tag("v1.0"))).isFalse();
            assertThat(tags.resolve(APP, new Tag("v1.0"))).isEmpty();
            assertThat(manifests.exists(APP, manifest.digest())).as("untag keeps the manifest").isTrue();
        }

        @Test
        void retaggingMovesTheTag() {
            StoredManifest v1 = image("v1", T0);
            StoredManifest v2 = image("v2", T0);
            manifests.put(APP, v1);
            manifests.put(APP, v2);

            tags.tag(APP, new Tag("latest"), v1.digest());
            tags.tag(APP, new Tag("latest"), v2.digest());
            tags.tag(APP, new Tag("latest"), v2.digest());

            assertThat(tags.resolve(APP, new Tag("latest"))).hasValue(v2.digest());
            assertThat(tags.list(APP, Optional.empty(), 10)).containsExactly(new Tag("latest"));
        }

        @Test
        void tagsBelongToTheirRepository() {
            StoredManifest app = image("app", T0);
            StoredManifest other = image("other", T0);
            manifests.put(APP, app);
            manifests.put(OTHER, other);

            tags.tag(APP, new Tag("latest"), app.digest());
            tags.tag(OTHER, new Tag("latest"), other.digest());

            assertThat(tags.resolve(APP, new Tag("latest"))).hasValue(app.digest());
            assertThat(tags.resolve(OTHER, new Tag("latest"))).hasValue(other.digest());
            assertThat(tags.untag(OTHER, new Tag("latest"))).isTrue();
            assertThat(tags.resolve(APP, new Tag("latest"))).hasValue(app.digest());
        }

        @Test
        void onlyAManifestOfTheRepositoryCanBeTagged() {
            StoredManifest manifest = image("app", T0);
            manifests.put(OTHER, manifest);

            assertThatThrownBy(() -> tags.tag(APP, new Tag("latest"), manifest.digest()))
                    .isInstanceOf(RuntimeException.class);
            assertThat(tags.resolve(APP, new Tag("latest"))).isEmpty();
        }

        @Test
        void aThousandTagsPagedByAHundredInByteOrder() {
            StoredManifest manifest = image("app", T0);
            manifests.put(APP, manifest);
            List<String> names = tagNames(1000);
            transactions.run(() -> names.forEach(name -> tags.tag(APP, new Tag(name), manifest.digest())));

            List<String> paged = new ArrayList<>();
            Optional<String> after = Optional.empty();
            for (int page = 0; page < 10; page++) {
                List<Tag> tagsOfPage = tags.list(APP, after, 100);
                assertThat(tagsOfPage).hasSize(100);
                tagsOfPage.forEach(tag -> paged.add(tag.value()));
                after = Optional.of(paged.getLast());
            }

            assertThat(tags.list(APP, after, 100)).isEmpty();
            // String order is byte order for ASCII: upper case before "_" before lower case
            assertThat(paged).containsExactlyElementsOf(names.stream().sorted().toList());
        }

        @Test
        void listOfAnUnknownRepositoryOrWithLimitZeroIsEmpty() {
            StoredManifest manifest = image("app", T0);
            manifests.put(APP, manifest);
            tags.tag(APP, new Tag("latest"), manifest.digest());

            assertThat(tags.list(OTHER, Optional.empty(), 10)).isEmpty();
            assertThat(tags.list(APP, Optional.empty(), 0)).isEmpty();
        }

        /** Distinct, valid, shuffled tags that mix cases, digits and separators. */
        private static List<String> tagNames(int count) {
            String first = "ABCXYZ_abcxyz0189";
            String rest = "ABCXYZ_abcxyz0189.-";
            Random random = new Random(42);
            return IntStream.range(0, count)
                    .mapToObj(i -> first.charAt(random.nextInt(first.length()))
                            + IntStream.range(0, 1 + random.nextInt(6))
                            .mapToObj(j -> String.valueOf(rest.charAt(random.nextInt(rest.length()))))
                            .reduce("", String::concat)
                            + "-" + i)
                    .toList();
        }
    }

    @Nested
    class Uploads {

        private final UploadSession session = new UploadSession(UploadId.random(), APP, "alice", 0, T0, T0);

        @Test
        void aSessionIsFoundInItsRepositoryOnly() {
            uploads.create(session);

            assertThat(uploads.find(APP, session.id())).hasValue(session);
            assertThat(uploads.find(OTHER, session.id())).isEmpty();
            assertThat(uploads.find(APP, UploadId.random())).isEmpty();
            assertThat(catalog.exists(APP)).as("a repository exists from its first upload").isTrue();
        }

        @Test
        void activeUploadsAreCountedPerStarterSinceATime() {
            uploads.create(session);
            uploads.create(new UploadSession(UploadId.random(), OTHER, "alice", 0, T0, T0.plusSeconds(60)));
            uploads.create(new UploadSession(UploadId.random(), APP, "bob", 0, T0, T0.plusSeconds(60)));

            assertThat(uploads.countActive("alice", T0)).isEqualTo(2);
            assertThat(uploads.countActive("alice", T0.plusSeconds(1))).as("moved before 'since'").isEqualTo(1);
            assertThat(uploads.countActive("bob", T0)).isEqualTo(1);
            assertThat(uploads.countActive("carol", T0)).isZero();
        }

        @Test
        void advanceIsACompareAndSet() {
            uploads.create(session);
            UploadSession first = session.advancedTo(100, T0.plusSeconds(1));
            UploadSession stale = session.advancedTo(200, T0.plusSeconds(2));

            assertThat(uploads.advance(first, 0)).isTrue();
            assertThat(uploads.advance(stale, 0)).as("expected offset 0 is stale").isFalse();
            assertThat(uploads.find(APP, session.id())).hasValue(first);

            UploadSession second = first.advancedTo(200, T0.plusSeconds(3));
            assertThat(uploads.advance(second, 100)).isTrue();
            assertThat(uploads.find(APP, session.id())).hasValue(second);
        }

        @Test
        void sessionsLastMovedBeforeACutoffArePagedByIdAndDeletedOnlyIfStillUntouched() {
            List<UploadSession> old = IntStream.range(0, 5)
                    .mapToObj(i -> new UploadSession(UploadId.random(), i % 2 == 0 ? APP : OTHER, "", i, T0, T0.plusSeconds(i)))
                    .toList();
            old.forEach(uploads::create);
            UploadSession fresh = new UploadSession(UploadId.random(), APP, "", 0, T0, T0.plusSeconds(100));
            uploads.create(fresh);
            Instant cutoff = T0.plusSeconds(50);

            List<UploadSession> first = uploads.updatedBefore(cutoff, Optional.empty(), 3);
            List<UploadSession> rest = uploads.updatedBefore(cutoff, Optional.of(first.getLast().id()), 3);
            assertThat(first).hasSize(3);
            assertThat(Stream.concat(first.stream(), rest.stream()).toList())
                    .as("every old session once, none fresh").containsExactlyInAnyOrderElementsOf(old);

            UploadSession moved = old.getFirst().advancedTo(10, T0.plusSeconds(60));
            assertThat(uploads.advance(moved, 0)).isTrue();
            assertThat(uploads.deleteIfUpdatedBefore(moved.id(), cutoff)).as("moved since the listing").isFalse();
            assertThat(uploads.deleteIfUpdatedBefore(old.get(1).id(), cutoff)).isTrue();
            assertThat(uploads.deleteIfUpdatedBefore(old.get(1).id(), cutoff)).isFalse();
            assertThat(uploads.exists(moved.id())).isTrue();
            assertThat(uploads.exists(old.get(1).id())).isFalse();
            assertThat(uploads.exists(fresh.id())).as("in any repository").isTrue();
            assertThat(uploads.exists(UploadId.random())).isFalse();
        }

        @Test
        void advancingAnUnknownSessionFails() {
            assertThat(uploads.advance(session.advancedTo(10, T0), 0)).isFalse();
        }

        @Test
        void deleteEndsTheSession() {
            uploads.create(session);

            assertThat(uploads.delete(session.id())).isTrue();
            assertThat(uploads.delete(session.id())).isFalse();
            assertThat(uploads.find(APP, session.id())).isEmpty();
            assertThat(uploads.advance(session.advancedTo(10, T0), 0)).isFalse();
        }

        @Test
        void aLeaseIsExclusiveUntilReleasedOrExpiredAndMovesNothing() {
            uploads.create(session);
            Duration length = Duration.ofMinutes(10);

            assertThat(uploads.lease(session.id(), "a", T0, length)).isEqualTo(UploadSessionStore.Lease.TAKEN);
            assertThat(uploads.lease(session.id(), "b", T0.plusSeconds(60), length))
                    .isEqualTo(UploadSessionStore.Lease.HELD);
            assertThat(uploads.lease(session.id(), "a", T0.plusSeconds(60), length)).as("not even by its holder")
                    .isEqualTo(UploadSessionStore.Lease.HELD);
            uploads.releaseLease(session.id(), "b");
            assertThat(uploads.lease(session.id(), "b", T0.plusSeconds(60), length)).as("only its holder releases it")
                    .isEqualTo(UploadSessionStore.Lease.HELD);

            uploads.releaseLease(session.id(), "a");
            assertThat(uploads.lease(session.id(), "b", T0.plusSeconds(60), length)).isEqualTo(UploadSessionStore.Lease.TAKEN);
            // b's node died: its lease expires at T0 + 11 min
            assertThat(uploads.lease(session.id(), "c", T0.plusSeconds(60).plus(length), length))
                    .isEqualTo(UploadSessionStore.Lease.TAKEN);
            assertThat(uploads.find(APP, session.id())).as("offset and update time unchanged").hasValue(session);
            assertThat(uploads.updatedBefore(T0.plusSeconds(1), Optional.empty(), 10)).containsExactly(session);
        }

        @Test
        void anUnknownUploadHasNoLease() {
            assertThat(uploads.lease(UploadId.random(), "a", T0, Duration.ofMinutes(10)))
                    .isEqualTo(UploadSessionStore.Lease.UNKNOWN);
            uploads.create(session);
            uploads.delete(session.id());
            assertThat(uploads.lease(session.id(), "a", T0, Duration.ofMinutes(10)))
                    .isEqualTo(UploadSessionStore.Lease.UNKNOWN);
        }

        @Test
        void ofConcurrentLeasesOneIsTaken() throws Exception {
            uploads.create(session);

            List<UploadSessionStore.Lease> results = concurrently(
                    () -> uploads.lease(session.id(), UUID.randomUUID().toString(), T0, Duration.ofMinutes(10)));

            assertThat(results).containsOnlyOnce(UploadSessionStore.Lease.TAKEN);
        }

        @Test
        void ofConcurrentAdvancesFromTheSameOffsetOneWins() throws Exception {
            uploads.create(session);

            List<Boolean> results = concurrently(() -> uploads.advance(session.advancedTo(100, T0), 0));

            assertThat(results).containsOnlyOnce(true);
            assertThat(uploads.find(APP, session.id()).orElseThrow().offset()).isEqualTo(100);
        }
    }

    @Nested
    class InTransaction {

        @Test
        void returnsTheResultAndCommits() {
            Digest digest = recordedBlob("layer");

            String result = transactions.inTransaction(() -> {
                catalog.ensure(APP);
                blobs.link(APP, digest);
                return "done";
            });

            assertThat(result).isEqualTo("done");
            assertThat(blobs.linkedSize(APP, digest)).hasValue(5);
        }

        @Test
        void workThatThrowsLeavesNothingBehind() {
            RuntimeException failure = new IllegalStateException("use case failed");
            UploadSession session = new UploadSession(UploadId.random(), OTHER, "", 0, T0, T0);

            assertThatThrownBy(() -> transactions.run(() -> {
                StoredManifest manifest = image("app", T0);
                blobs.link(APP, manifest.blobs().getFirst());
                manifests.put(APP, manifest);
                tags.tag(APP, new Tag("latest"), manifest.digest());
                uploads.create(session);
                throw failure;
            })).isSameAs(failure);

            assertThat(catalog.list(RepositoryFilter.ALL, Optional.empty(), 10)).isEmpty();
            assertThat(blobs.blobSize(digestOf("app config"))).isEmpty();
            assertThat(tags.resolve(APP, new Tag("latest"))).isEmpty();
            assertThat(uploads.find(OTHER, session.id())).isEmpty();
        }

        @Test
        void readsInsideSeeTheChangesMadeBefore() {
            StoredManifest v1 = image("v1", T0);
            StoredManifest v2 = image("v2", T0);
            manifests.put(APP, v1);
            manifests.put(APP, v2);
            tags.tag(APP, new Tag("latest"), v1.digest());
            UploadSession session = new UploadSession(UploadId.random(), APP, "", 0, T0, T0);
            uploads.create(session);

            transactions.run(() -> {
                assertThat(uploads.find(APP, session.id()).orElseThrow().offset()).isZero();
                assertThat(tags.resolve(APP, new Tag("latest"))).hasValue(v1.digest());

                uploads.advance(session.advancedTo(100, T0), 0);
                tags.tag(APP, new Tag("latest"), v2.digest());

                assertThat(uploads.find(APP, session.id()).orElseThrow().offset()).isEqualTo(100);
                assertThat(tags.resolve(APP, new Tag("latest"))).hasValue(v2.digest());
                assertThat(manifests.getTagged(APP, new Tag("latest")).orElseThrow().digest()).isEqualTo(v2.digest());
            });
        }

        @Test
        void nestedTransactionsJoinTheOuterOne() {
            assertThatThrownBy(() -> transactions.run(() -> {
                transactions.run(() -> catalog.ensure(APP));
                assertThat(catalog.exists(APP)).as("visible inside").isTrue();
                throw new IllegalStateException("outer failed");
            })).hasMessage("outer failed");

            assertThat(catalog.exists(APP)).isFalse();
        }

        @Test
        void aFailureInsideCannotBeCaughtAndCommitted() {
            StoredManifest manifest = image("app", T0);

            assertThatThrownBy(() -> transactions.run(() -> {
                catalog.ensure(OTHER);
                try {
                    tags.tag(APP, new Tag("latest"), manifest.digest());
                } catch (RuntimeException expected) {
                    // swallowed: the transaction must still roll back
                }
            })).isInstanceOf(RuntimeException.class);

            assertThat(catalog.exists(OTHER)).isFalse();
        }
    }

    @Nested
    class Concurrency {

        @Test
        void concurrentPushesOfTheSameThingsAllSucceedOnce() throws Exception {
            StoredManifest manifest = image("app", T0);
            Digest layer = manifest.blobs().getLast();

            concurrently(() -> {
                catalog.ensure(APP);
                blobs.recordBlob(layer, 5);
                blobs.link(APP, layer);
                manifests.put(APP, manifest);
                tags.tag(APP, new Tag("latest"), manifest.digest());
                return true;
            });

            assertThat(catalog.list(RepositoryFilter.ALL, Optional.empty(), 10)).containsExactly(APP);
            assertThat(blobs.linkedSize(APP, layer)).hasValue(5);
            assertThat(manifests.get(APP, manifest.digest()).orElseThrow().blobs()).isEqualTo(manifest.blobs());
            assertThat(tags.list(APP, Optional.empty(), 10)).containsExactly(new Tag("latest"));
        }

        @Test
        void concurrentFirstLinksCreateTheRepositoryOnce() throws Exception {
            Digest layer = recordedBlob("layer");

            concurrently(() -> {
                blobs.link(APP, layer);
                return true;
            });

            assertThat(catalog.list(RepositoryFilter.ALL, Optional.empty(), 10)).containsExactly(APP);
            assertThat(blobs.linkedSize(APP, layer)).hasValue(5);
        }
    }

    @Nested
    class RepositoryNumbers {

        @Test
        void summaryCountsTagsManifestsAndWhatIsStoredForTheRepository() {
            SizedBlobs sized = sizedBlobs();
            sized.all().forEach(blob -> blobs.link(APP, blob));
            blobs.link(OTHER, sized.shared());
            StoredManifest manifest = manifest("app", sized.all(), List.of(), T0);
            manifests.put(APP, manifest);
            tags.tag(APP, new Tag("latest"), manifest.digest());
            tags.tag(APP, new Tag("v1"), manifest.digest());

            RepositorySummary app = catalog.summary(APP).orElseThrow();
            assertThat(app.name()).isEqualTo(APP);
            assertThat(app.tags()).isEqualTo(2);
            assertThat(app.manifests()).isEqualTo(1);
            assertThat(app.storedBytes()).as("blobs once each, plus the manifest").isEqualTo(11_100 + manifest.size());
            RepositorySummary other = catalog.summary(OTHER).orElseThrow();
            assertThat(other.storedBytes()).as("a shared blob counts in each repository").isEqualTo(10_000);
            assertThat(other.tags()).isZero();
            assertThat(other.manifests()).isZero();
            assertThat(other.lastPush()).isEmpty();
            assertThat(catalog.summary(new RepositoryName("missing"))).isEmpty();
        }

        @Test
        void numbersFollowEveryChangeCascadesIncluded() {
            Digest layer = recordedBlob("layer", 1_000);
            blobs.link(APP, layer);
            blobs.link(APP, layer);
            assertThat(catalog.summary(APP).orElseThrow().storedBytes()).as("linked twice, counted once").isEqualTo(1_000);

            StoredManifest v1 = manifest("v1", List.of(layer), List.of(), T0);
            StoredManifest v2 = manifest("v2", List.of(layer), List.of(), T0);
            manifests.put(APP, v1);
            manifests.put(APP, v1);
            manifests.put(APP, v2);
            tags.tag(APP, new Tag("a"), v1.digest());
            tags.tag(APP, new Tag("b"), v1.digest());
            tags.tag(APP, new Tag("c"), v2.digest());
            tags.tag(APP, new Tag("c"), v1.digest());
            assertThat(catalog.summary(APP).orElseThrow())
                    .returns(3L, RepositorySummary::tags)
                    .returns(2L, RepositorySummary::manifests)
                    .returns(1_000 + v1.size() + v2.size(), RepositorySummary::storedBytes);

            tags.untag(APP, new Tag("a"));
            assertThat(catalog.summary(APP).orElseThrow().tags()).isEqualTo(2);

            manifests.delete(APP, v1.digest());
            assertThat(catalog.summary(APP).orElseThrow())
                    .as("the manifest's tags went with it")
                    .returns(0L, RepositorySummary::tags)
                    .returns(1L, RepositorySummary::manifests)
                    .returns(1_000 + v2.size(), RepositorySummary::storedBytes);

            blobs.unlink(APP, layer);
            assertThat(catalog.summary(APP).orElseThrow().storedBytes()).isEqualTo(v2.size());
        }

        @Test
        void aRolledBackChangeLeavesTheNumbersAsTheyWere() {
            StoredManifest manifest = image("app", T0);
            manifests.put(APP, manifest);
            RepositorySummary before = catalog.summary(APP).orElseThrow();

            assertThatThrownBy(() -> transactions.run(() -> {
                tags.tag(APP, new Tag("latest"), manifest.digest());
                blobs.link(APP, recordedBlob("more", 50));
                manifests.put(APP, image("another", T0.plusSeconds(9)));
                throw new IllegalStateException("use case failed");
            })).hasMessage("use case failed");

            assertThat(catalog.summary(APP).orElseThrow()).isEqualTo(before);
        }

        @Test
        void lastPushIsTheNewestManifestPushOrTagChangeAndOutlivesThem() {
            StoredManifest newer = image("newer", T0);
            StoredManifest older = image("older", T0.minusSeconds(3600));
            manifests.put(APP, newer);
            manifests.put(APP, older);
            assertThat(catalog.summary(APP).orElseThrow().lastPush()).hasValue(T0);

            Instant before = Instant.now().truncatedTo(ChronoUnit.MICROS);
            tags.tag(APP, new Tag("latest"), older.digest());
            Instant after = Instant.now();
            Instant tagged = catalog.summary(APP).orElseThrow().lastPush().orElseThrow();
            assertThat(tagged).isBetween(before, after);

            manifests.delete(APP, older.digest());
            manifests.delete(APP, newer.digest());
            assertThat(catalog.summary(APP).orElseThrow().lastPush()).hasValue(tagged);
        }

        @Test
        void totalsCountEachBlobOnceAndEveryManifest() {
            Digest shared = recordedBlob("shared", 10_000);
            Digest own = recordedBlob("own", 100);
            recordedBlob("unlinked", 7);
            blobs.link(APP, shared);
            blobs.link(APP, own);
            blobs.link(OTHER, shared);
            StoredManifest app = manifest("app", List.of(shared, own), List.of(), T0);
            StoredManifest other = manifest("other", List.of(shared), List.of(), T0);
            manifests.put(APP, app);
            manifests.put(OTHER, other);
            tags.tag(APP, new Tag("latest"), app.digest());
            tags.tag(APP, new Tag("v1"), app.digest());
            tags.tag(OTHER, new Tag("latest"), other.digest());

            assertThat(catalog.totals()).isEqualTo(new RepositoryCatalog.Totals(2, 3, 2, 3,
                    10_107 + app.size() + other.size()));
        }

        @Test
        void totalsOfAnEmptyRegistryAreZero() {
            assertThat(catalog.totals()).isEqualTo(new RepositoryCatalog.Totals(0, 0, 0, 0, 0));
        }
    }

    @Nested
    class BrowsingRepositories {

        private final RepositoryName aOne = new RepositoryName("a/one");
        private final RepositoryName aTwo = new RepositoryName("a/two");
        private final RepositoryName bOne = new RepositoryName("b/one");
        private final RepositoryName d1 = new RepositoryName("d1");
        private final RepositoryName d2 = new RepositoryName("d2");

        /** Sizes and push times all differ but for d1 and d2, which were never pushed to and store the same. */
        private void fiveRepositories() {
            pushed(bOne, "b1", 30_000, T0.plusSeconds(1));
            pushed(aOne, "a1", 10_000, T0.plusSeconds(2));
            pushed(aTwo, "a2", 20_000, T0.plusSeconds(3));
            Digest small = recordedBlob("small", 5);
            blobs.link(d2, small);
            blobs.link(d1, small);
        }

        private void pushed(RepositoryName repository, String name, long size, Instant at) {
            Digest layer = recordedBlob(name + " layer", size);
            blobs.link(repository, layer);
            manifests.put(repository, manifest(name, List.of(layer), List.of(), at));
        }

        private List<RepositoryName> page(RepositorySort sort, boolean descending, int offset, int limit) {
            return catalog.browse(RepositoryFilter.ALL, sort, descending, offset, limit).stream()
                    .map(RepositorySummary::name).toList();
        }

        @Test
        void sortsByEachKeyInBothDirectionsTiesByName() {
            fiveRepositories();

            assertThat(page(RepositorySort.NAME, false, 0, 10)).containsExactly(aOne, aTwo, bOne, d1, d2);
            assertThat(page(RepositorySort.NAME, true, 0, 10)).containsExactly(d2, d1, bOne, aTwo, aOne);
            assertThat(page(RepositorySort.LAST_PUSH, false, 0, 10)).as("never pushed counts as oldest")
                    .containsExactly(d1, d2, bOne, aOne, aTwo);
            assertThat(page(RepositorySort.LAST_PUSH, true, 0, 10)).containsExactly(aTwo, aOne, bOne, d2, d1);
            assertThat(page(RepositorySort.SIZE, false, 0, 10)).containsExactly(d1, d2, aOne, aTwo, bOne);
            assertThat(page(RepositorySort.SIZE, true, 0, 10)).containsExactly(bOne, aTwo, aOne, d2, d1);
        }

        @Test
        void pagesByOffsetAndLimit() {
            fiveRepositories();

            assertThat(page(RepositorySort.SIZE, false, 1, 2)).containsExactly(d2, aOne);
            assertThat(page(RepositorySort.NAME, true, 4, 10)).containsExactly(aOne);
            assertThat(page(RepositorySort.LAST_PUSH, false, 5, 10)).isEmpty();
            assertThat(page(RepositorySort.NAME, false, 0, 0)).isEmpty();
        }

        @Test
        void rowsCarryTheRepositoryNumbers() {
            fiveRepositories();

            RepositorySummary row = catalog.browse(RepositoryFilter.ALL, RepositorySort.NAME, false, 2, 1).getFirst();
            assertThat(row).isEqualTo(catalog.summary(bOne).orElseThrow());
            assertThat(row.lastPush()).hasValue(T0.plusSeconds(1));
            assertThat(row.manifests()).isEqualTo(1);
        }

        @Test
        void filtersBySearchNamespaceAndPatternsAndCountsTheSame() {
            List.of("team-a/app", "team-a/db", "team-b/app", "team-a", "a_b", "acb", "other/team-a/x")
                    .forEach(name -> catalog.ensure(new RepositoryName(name)));

            assertThat(names(filter("app", "", List.of()))).containsExactly("team-a/app", "team-b/app");
            assertThat(names(filter("", "team-a", List.of()))).containsExactly("team-a/app", "team-a/db");
            assertThat(names(filter("d", "team-a", List.of()))).containsExactly("team-a/db");
            assertThat(names(filter("", "", List.of(List.of("team-a/*"))))).containsExactly("team-a/app", "team-a/db");
            assertThat(names(filter("", "", List.of(List.of("a_b"))))).as("_ is no wildcard").containsExactly("a_b");
            assertThat(names(filter("_", "", List.of()))).as("nor in the search").containsExactly("a_b");
            assertThat(names(filter("", "", List.of(List.of("team-*/app", "a_b")))))
                    .containsExactly("a_b", "team-a/app", "team-b/app");
            assertThat(names(filter("", "", List.of(List.of("team-*"), List.of("*/app")))))
                    .as("every group must match").containsExactly("team-a/app", "team-b/app");
            assertThat(names(filter("", "", List.of(List.of("*x"))))).as("* spans slashes")
                    .containsExactly("other/team-a/x");
            assertThat(names(filter("", "", List.of(List.of("nothing"))))).isEmpty();
            assertThat(catalog.count(RepositoryFilter.ALL)).isEqualTo(7);
        }

        private RepositoryFilter filter(String contains, String namespace, List<List<String>> patterns) {
            return new RepositoryFilter(contains, namespace,
                    patterns.stream().map(g -> g.stream().map(RepositoryPattern::new).toList()).toList());
        }

        private List<String> names(RepositoryFilter filter) {
            List<String> names = catalog.browse(filter, RepositorySort.NAME, false, 0, 100).stream()
                    .map(r -> r.name().value()).toList();
            assertThat(catalog.count(filter)).as("count agrees with the listing").isEqualTo(names.size());
            return names;
        }

        @Test
        void namespacesCountTheRepositoriesBelowTheirFirstComponentInByteOrder() {
            List.of("team-a/app", "team-a/sub/db", "team_a/x", "team-b/app", "single", "z/x")
                    .forEach(name -> catalog.ensure(new RepositoryName(name)));

            assertThat(catalog.namespaces(RepositoryFilter.ALL, 100)).containsExactly(
                    new NamespaceSummary("team-a", 2), new NamespaceSummary("team-b", 1),
                    new NamespaceSummary("team_a", 1), new NamespaceSummary("z", 1));
            assertThat(catalog.namespaces(RepositoryFilter.ALL, 2)).containsExactly(
                    new NamespaceSummary("team-a", 2), new NamespaceSummary("team-b", 1));
            assertThat(catalog.namespaces(new RepositoryFilter("", "", List.of(List.of(new RepositoryPattern("*/app")))),
                    100)).containsExactly(new NamespaceSummary("team-a", 1), new NamespaceSummary("team-b", 1));
        }
    }

    @Nested
    class DeletingRepositories {

        @Test
        void deleteRemovesTheRepositoryWithEverythingInIt() {
            MultiPlatform multi = multiPlatform();
            tags.tag(APP, new Tag("latest"), multi.index().digest());
            tags.tag(APP, new Tag("amd64"), multi.amd64().digest());
            Digest layer = multi.amd64().blobs().getLast();
            blobs.link(APP, layer);
            blobs.link(OTHER, layer);
            manifests.put(OTHER, multi.amd64());
            UploadSession session = new UploadSession(UploadId.random(), APP, "", 0, T0, T0);
            uploads.create(session);

            List<Digest> deleted = catalog.delete(APP).orElseThrow();

            assertThat(deleted).containsExactlyInAnyOrder(multi.index().digest(), multi.amd64().digest(),
                    multi.arm64().digest());
            assertThat(deleted.getFirst()).as("the index before the manifests it lists").isEqualTo(multi.index().digest());
            assertThat(catalog.exists(APP)).isFalse();
            assertThat(catalog.list(RepositoryFilter.ALL, Optional.empty(), 10)).containsExactly(OTHER);
            assertThat(catalog.summary(APP)).isEmpty();
            assertThat(manifests.exists(APP, multi.amd64().digest())).isFalse();
            assertThat(tags.resolve(APP, new Tag("latest"))).isEmpty();
            assertThat(blobs.linkedSize(APP, layer)).isEmpty();
            assertThat(uploads.find(APP, session.id())).isEmpty();
            assertThat(blobs.blobSize(layer)).as("blobs stay for garbage collection").hasValue(5);
            assertThat(blobs.linkedSize(OTHER, layer)).hasValue(5);
            assertThat(manifests.exists(OTHER, multi.amd64().digest())).isTrue();
            assertThat(catalog.totals().manifests()).isEqualTo(1);
            assertThat(catalog.delete(APP)).isEmpty();
        }

        @Test
        void aRepositoryPushedToAgainStartsAfresh() {
            StoredManifest manifest = image("app", T0);
            manifests.put(APP, manifest);
            tags.tag(APP, new Tag("latest"), manifest.digest());
            catalog.delete(APP);

            blobs.link(APP, manifest.blobs().getFirst());

            assertThat(catalog.summary(APP).orElseThrow())
                    .isEqualTo(new RepositorySummary(APP, 0, 0, 5, Optional.empty()));
        }

        @Test
        void deletingAnUnknownRepositoryDeletesNothing() {
            catalog.ensure(OTHER);

            assertThat(catalog.delete(APP)).isEmpty();
            assertThat(catalog.exists(OTHER)).isTrue();
        }
    }

    @Nested
    class WhatADeletionFrees {

        @Test
        void blobUsesTellWhichBlobsAnotherManifestAlsoReferences() {
            SizedBlobs sized = sizedBlobs();
            StoredManifest doomed = manifest("doomed",
                    List.of(sized.config(), sized.layer(), sized.shared(), sized.layer()), List.of(), T0);
            manifests.put(APP, doomed);
            manifests.put(OTHER, manifest("elsewhere", List.of(sized.shared()), List.of(), T0));

            assertThat(manifests.blobUses(APP, doomed.digest())).as("a layer listed twice is one blob").containsExactly(
                    new ManifestStore.BlobUse(sized.config(), 100, false),
                    new ManifestStore.BlobUse(sized.layer(), 1_000, false),
                    new ManifestStore.BlobUse(sized.shared(), 10_000, true));
            assertThat(manifests.blobUses(OTHER, doomed.digest())).isEmpty();
        }

        @Test
        void theSameManifestInAnotherRepositorySharesItsBlobs() {
            StoredManifest manifest = image("app", T0);
            manifests.put(APP, manifest);
            assertThat(manifests.blobUses(APP, manifest.digest())).noneMatch(ManifestStore.BlobUse::shared);

            manifests.put(OTHER, manifest);

            assertThat(manifests.blobUses(APP, manifest.digest())).hasSize(2).allMatch(ManifestStore.BlobUse::shared);
        }

        @Test
        void linkUsageTellsWhichBlobsAnotherRepositoryAlsoLinks() {
            Digest own = recordedBlob("own", 1_000);
            Digest shared = recordedBlob("shared", 10_000);
            Digest sharedToo = recordedBlob("shared too", 300);
            List.of(own, shared, sharedToo).forEach(blob -> blobs.link(APP, blob));
            blobs.link(OTHER, shared);
            blobs.link(new RepositoryName("third"), sharedToo);
            blobs.link(new RepositoryName("fourth"), sharedToo);

            assertThat(blobs.usage(APP)).isEqualTo(new BlobLinkStore.LinkUsage(3, 11_300, 2, 10_300));
            assertThat(blobs.usage(OTHER)).isEqualTo(new BlobLinkStore.LinkUsage(1, 10_000, 1, 10_000));
            assertThat(blobs.usage(new RepositoryName("missing"))).isEqualTo(new BlobLinkStore.LinkUsage(0, 0, 0, 0));
        }
    }

    @Nested
    class TagDetails {

        @Test
        void sortsByNameOrTagTimeInBothDirectionsAndPages() {
            StoredManifest manifest = image("app", T0);
            manifests.put(APP, manifest);
            // tagged in this order, which is neither byte order nor its reverse
            List.of("b", "C", "a", "d1").forEach(name -> tags.tag(APP, new Tag(name), manifest.digest()));

            assertThat(tagNames(TagSort.NAME, false, 0, 10)).containsExactly("C", "a", "b", "d1");
            assertThat(tagNames(TagSort.NAME, true, 0, 10)).containsExactly("d1", "b", "a", "C");
            assertThat(tagNames(TagSort.PUSHED, false, 0, 10)).containsExactly("b", "C", "a", "d1");
            assertThat(tagNames(TagSort.PUSHED, true, 0, 10)).containsExactly("d1", "a", "C", "b");
            assertThat(tagNames(TagSort.PUSHED, false, 1, 2)).containsExactly("C", "a");
            assertThat(tagNames(TagSort.NAME, false, 4, 2)).isEmpty();
        }

        @Test
        void retaggingMovesTheTagToTheEnd() {
            StoredManifest manifest = image("app", T0);
            manifests.put(APP, manifest);
            List.of("a", "b", "c").forEach(name -> tags.tag(APP, new Tag(name), manifest.digest()));

            tags.tag(APP, new Tag("a"), manifest.digest());

            assertThat(tagNames(TagSort.PUSHED, false, 0, 10)).containsExactly("b", "c", "a");
        }

        private List<String> tagNames(TagSort sort, boolean descending, int offset, int limit) {
            return tags.details(APP, "", sort, descending, offset, limit, 1024).stream().map(t -> t.tag().value()).toList();
        }

        @Test
        void searchIgnoresCaseTakesUnderscoresLiterallyAndCountsTheSame() {
            StoredManifest manifest = image("app", T0);
            manifests.put(APP, manifest);
            List.of("Release-1", "release-2", "latest", "v_1", "v-1", "vx1")
                    .forEach(name -> tags.tag(APP, new Tag(name), manifest.digest()));

            assertThat(search("release")).containsExactly("Release-1", "release-2");
            assertThat(search("RELEASE-1")).containsExactly("Release-1");
            assertThat(search("v_1")).containsExactly("v_1");
            assertThat(search("")).hasSize(6);
            assertThat(search("nothing")).isEmpty();
        }

        private List<String> search(String nameContains) {
            List<String> names = tags.details(APP, nameContains, TagSort.NAME, false, 0, 100, 1024).stream()
                    .map(t -> t.tag().value()).toList();
            assertThat(tags.count(APP, nameContains)).isEqualTo(names.size());
            return names;
        }

        @Test
        void eachTagComesWithItsManifestAndWhatAPullTransfers() {
            SizedBlobs sized = sizedBlobs();
            StoredManifest amd64 = manifest("amd64", sized.all(), List.of(), T0);
            StoredManifest arm64 = manifest("arm64", List.of(recordedBlob("arm config", 200), sized.shared()), List.of(),
                    T0);
            manifests.put(APP, amd64);
            manifests.put(APP, arm64);
            StoredManifest index = index("multi", List.of(amd64.digest(), arm64.digest()));
            manifests.put(APP, index);
            Instant before = Instant.now().truncatedTo(ChronoUnit.MICROS);
            tags.tag(APP, new Tag("amd64"), amd64.digest());
            tags.tag(APP, new Tag("multi"), index.digest());
            Instant after = Instant.now();

            List<TagStore.TaggedManifest> details = tags.details(APP, "", TagSort.NAME, false, 0, 10, 1024);

            TagStore.TaggedManifest image = details.get(0);
            assertThat(image.tag()).isEqualTo(new Tag("amd64"));
            assertThat(image.digest()).isEqualTo(amd64.digest());
            assertThat(image.mediaType()).isEqualTo(MediaType.DOCKER_MANIFEST_V2);
            assertThat(image.compressedSize()).isEqualTo(amd64.size() + 11_100);
            assertThat(image.indexPayload()).isEmpty();
            assertThat(image.taggedAt()).isBetween(before, after);
            TagStore.TaggedManifest multi = details.get(1);
            assertThat(multi.mediaType()).isEqualTo(MediaType.OCI_INDEX_V1);
            assertThat(multi.compressedSize()).as("the index, its images and their distinct blobs")
                    .isEqualTo(index.size() + amd64.size() + arm64.size() + 11_300);
            assertThat(multi.indexPayload()).hasValueSatisfying(p -> assertThat(p).isEqualTo(index.payload()));
            assertThat(multi.taggedAt()).isAfter(image.taggedAt()).isBefore(after.plusNanos(1000));
            assertThat(tags.details(APP, "", TagSort.NAME, false, 0, 10, (int) index.size() - 1).get(1).indexPayload())
                    .as("an index larger than the bound comes without its bytes").isEmpty();
        }

        @Test
        void tagsOfAManifestInByteOrder() {
            StoredManifest v1 = image("v1", T0);
            StoredManifest v2 = image("v2", T0);
            manifests.put(APP, v1);
            manifests.put(APP, v2);
            List.of("stable", "B", "1.0").forEach(name -> tags.tag(APP, new Tag(name), v1.digest()));
            tags.tag(APP, new Tag("latest"), v2.digest());

            assertThat(tags.tagsOf(APP, v1.digest())).containsExactly(new Tag("1.0"), new Tag("B"), new Tag("stable"));
            assertThat(tags.tagsOf(OTHER, v1.digest())).isEmpty();
        }

        @Test
        void anUnknownRepositoryHasNoTags() {
            assertThat(tags.details(OTHER, "", TagSort.PUSHED, true, 0, 10, 1024)).isEmpty();
            assertThat(tags.count(OTHER, "")).isZero();
        }
    }

    @Nested
    class UntaggedManifests {

        @Test
        void listsWhatNoTagAndNoIndexReachesNewestFirstWithSizesAndCounts() {
            StoredManifest tagged = image("tagged", T0);
            StoredManifest old = image("old", T0.plusSeconds(1));
            List.of(tagged, old).forEach(m -> manifests.put(APP, m));
            tags.tag(APP, new Tag("v1"), tagged.digest());
            MultiPlatform multi = multiPlatform();
            StoredManifest sbom = referrer("sbom", SBOM, tagged.digest(), T0.plusSeconds(2));
            manifests.put(APP, sbom);

            List<ManifestStore.UntaggedManifest> untagged = manifests.untagged(APP, 0, 10);

            assertThat(untagged).extracting(ManifestStore.UntaggedManifest::digest)
                    .as("newest first; the index's images are reached through it")
                    .containsExactly(sbom.digest(), old.digest(), multi.index().digest());
            assertThat(untagged.get(0).artifactType()).isEqualTo(SBOM);
            assertThat(untagged.get(0).subject()).isEqualTo(tagged.digest());
            assertThat(untagged.get(0).pushedAt()).isEqualTo(sbom.pushedAt());
            assertThat(untagged.get(1).subject()).isNull();
            assertThat(untagged.get(1).compressedSize()).isEqualTo(old.size() + 10);
            assertThat(untagged.get(2).compressedSize()).isEqualTo(multi.index().size() + multi.amd64().size()
                    + multi.arm64().size() + 20);
            assertThat(manifests.countUntagged(APP)).isEqualTo(3);
            assertThat(manifests.untagged(APP, 1, 1)).extracting(ManifestStore.UntaggedManifest::digest)
                    .containsExactly(old.digest());

            tags.tag(APP, new Tag("old"), old.digest());
            assertThat(manifests.untagged(APP, 0, 10)).extracting(ManifestStore.UntaggedManifest::digest)
                    .doesNotContain(old.digest());
            assertThat(manifests.countUntagged(APP)).isEqualTo(2);
            assertThat(manifests.untagged(OTHER, 0, 10)).isEmpty();
            assertThat(manifests.countUntagged(OTHER)).isZero();
        }

        @Test
        void anImageKnowsTheIndexesThatListIt() {
            MultiPlatform multi = multiPlatform();
            StoredManifest amd64Only = index("amd64 only", List.of(multi.amd64().digest()));
            manifests.put(APP, amd64Only);

            assertThat(manifests.indexesListing(APP, multi.amd64().digest(), 10))
                    .containsExactlyElementsOf(Stream.of(multi.index().digest(), amd64Only.digest())
                            .sorted(Comparator.comparing(Digest::toString)).toList());
            assertThat(manifests.indexesListing(APP, multi.amd64().digest(), 1)).hasSize(1);
            assertThat(manifests.indexesListing(APP, multi.arm64().digest(), 10)).containsExactly(multi.index().digest());
            assertThat(manifests.indexesListing(APP, multi.index().digest(), 10)).isEmpty();
            assertThat(manifests.indexesListing(OTHER, multi.amd64().digest(), 10)).isEmpty();
        }

        @Test
        void anIndexStoredBeforeItsImagesRecordsThemAsChildrenLater() {
            StoredManifest amd64 = image("amd64", T0);
            StoredManifest arm64 = image("arm64", T0);
            // a pull-through cache stores the index with none of its images yet
            byte[] payload = ("{\"manifests\":[{\"digest\":\"" + amd64.digest() + "\"},{\"digest\":\""
                    + arm64.digest() + "\"}]}").getBytes(UTF_8);
            StoredManifest index = new StoredManifest(Digest.of(DigestAlgorithm.SHA256, payload), MediaType.OCI_INDEX_V1,
                    payload, null, null, Map.of(), List.of(), List.of(), T0);
            manifests.put(APP, index);
            StoredManifest mentioning = manifest("mentions " + amd64.digest(), List.of(), List.of(), T0);
            manifests.put(APP, mentioning);
            manifests.put(APP, amd64);

            assertThat(manifests.indexesNaming(APP, amd64.digest(), 10)).as("only indexes").containsExactly(index.digest());
            assertThat(manifests.indexesNaming(OTHER, amd64.digest(), 10)).isEmpty();
            manifests.addChild(APP, index.digest(), amd64.digest());
            manifests.addChild(APP, index.digest(), amd64.digest());
            manifests.addChild(APP, index.digest(), arm64.digest());

            assertThat(manifests.get(APP, index.digest()).orElseThrow().children()).as("once; not the absent one")
                    .containsExactly(amd64.digest());
            assertThat(manifests.isChildOfAnother(APP, amd64.digest())).isTrue();
            assertThat(manifests.indexesNaming(APP, amd64.digest(), 10)).as("listed now").isEmpty();
            assertThat(manifests.untagged(APP, 0, 10)).extracting(ManifestStore.UntaggedManifest::digest)
                    .doesNotContain(amd64.digest());

            manifests.put(APP, arm64);
            manifests.addChild(APP, index.digest(), arm64.digest());
            assertThat(manifests.get(APP, index.digest()).orElseThrow().children())
                    .containsExactly(amd64.digest(), arm64.digest());
            assertThatThrownBy(() -> manifests.delete(APP, arm64.digest())).as("a listed child stays while its index does")
                    .isInstanceOf(RuntimeException.class);
        }

        @Test
        void aPrefixsStoredBytesCountItsManifestsAndTheBlobsTheyReferenceOnce() {
            RepositoryName hubApp = new RepositoryName("hub/app");
            RepositoryName hubTool = new RepositoryName("hub/tool");
            Digest shared = recordedBlob("shared", 10_000);
            StoredManifest app = manifest("app", List.of(recordedBlob("app layer", 1_000), shared), List.of(), T0);
            StoredManifest tool = manifest("tool", List.of(shared), List.of(), T0);
            manifests.put(hubApp, app);
            manifests.put(hubTool, tool);
            manifests.put(APP, image("local", T0));

            assertThat(manifests.storedBytes("hub/")).isEqualTo(11_000 + app.size() + tool.size());
            assertThat(manifests.storedBytes("hub/t")).isEqualTo(10_000 + tool.size());
            assertThat(manifests.storedBytes("mirror/")).isZero();
            assertThat(manifests.storedBytes("")).isGreaterThan(manifests.storedBytes("hub/"));
        }

        @Test
        void theLeastRecentlyPulledComeFirstAndAnIndexsImagesOnlyAfterIt() {
            RepositoryName hub = new RepositoryName("hub/app");
            StoredManifest old = image("old", T0);
            StoredManifest newer = image("newer", T0.plusSeconds(10));
            StoredManifest child = image("child", T0);
            manifests.put(hub, old);
            manifests.put(hub, newer);
            manifests.put(hub, child);
            StoredManifest index = index("multi", List.of(child.digest()));
            manifests.put(hub, withPushedAt(index, T0.plusSeconds(5)));
            manifests.put(APP, image("local", T0));

            assertThat(manifests.leastRecentlyPulled("hub/", 10)).extracting(ManifestStore.PulledManifest::digest)
                    .containsExactly(old.digest(), index.digest(), newer.digest());
            manifests.manifestsPulled(Map.of(new ManifestStore.ManifestRef(hub, old.digest()), T0.plusSeconds(20),
                    new ManifestStore.ManifestRef(hub, index.digest()), T0.plusSeconds(30),
                    new ManifestStore.ManifestRef(hub, digestOf("gone")), T0.plusSeconds(40)));
            manifests.manifestsPulled(Map.of(new ManifestStore.ManifestRef(hub, old.digest()), T0.plusSeconds(15)));

            List<ManifestStore.PulledManifest> order = manifests.leastRecentlyPulled("hub/", 10);
            assertThat(order).extracting(ManifestStore.PulledManifest::digest)
                    .containsExactly(newer.digest(), old.digest(), index.digest());
            assertThat(order.get(1).lastPulled()).as("the later pull wins").isEqualTo(T0.plusSeconds(20));
            assertThat(manifests.leastRecentlyPulled("hub/", 1)).hasSize(1);
            manifests.delete(hub, index.digest());
            assertThat(manifests.leastRecentlyPulled("hub/", 10)).extracting(ManifestStore.PulledManifest::digest)
                    .contains(child.digest());
        }

        @Test
        void pullSizesAreTheTagGridsSizesAndLeaveUnknownManifestsOut() {
            MultiPlatform multi = multiPlatform();
            tags.tag(APP, new Tag("multi"), multi.index().digest());
            long shownForTheTag = tags.details(APP, "", TagSort.NAME, false, 0, 1, 1024).getFirst().compressedSize();

            Map<Digest, Long> sizes = manifests.pullSizes(APP, List.of(multi.index().digest(), multi.amd64().digest(),
                    digestOf("no such manifest")));

            assertThat(sizes).containsOnlyKeys(multi.index().digest(), multi.amd64().digest());
            assertThat(sizes.get(multi.index().digest())).isEqualTo(shownForTheTag);
            assertThat(sizes.get(multi.amd64().digest())).isEqualTo(multi.amd64().size() + 10);
            assertThat(manifests.pullSizes(APP, List.of())).isEmpty();
        }
    }

    @Nested
    class DailyActivity {

        private final LocalDate day = LocalDate.of(2026, 11, 27);

        @Test
        void addsUpPerDayAndAction() {
            activity.add(day, EventAction.PUSH, 3);
            activity.add(day, EventAction.PUSH, 4);
            activity.add(day, EventAction.PULL, 10);
            activity.add(day.plusDays(1), EventAction.PUSH, 1);

            assertThat(activity.count(day, EventAction.PUSH)).isEqualTo(7);
            assertThat(activity.count(day, EventAction.PULL)).isEqualTo(10);
            assertThat(activity.count(day.plusDays(1), EventAction.PUSH)).isEqualTo(1);
            assertThat(activity.count(day.plusDays(1), EventAction.PULL)).isZero();
            assertThat(activity.count(day.minusDays(1), EventAction.PUSH)).isZero();
        }

        @Test
        void concurrentAddsAllCount() throws Exception {
            concurrently(() -> {
                activity.add(day, EventAction.PULL, 2);
                return true;
            });

            assertThat(activity.count(day, EventAction.PULL)).isEqualTo(2L * THREADS);
        }
    }

    // --- test data

    protected static Digest digestOf(String content) {
        return Digest.of(DigestAlgorithm.SHA256, content.getBytes(UTF_8));
    }

    /** An index of two images, all in {@link #APP}. */
    private record MultiPlatform(StoredManifest amd64, StoredManifest arm64, StoredManifest index) {
    }

    private MultiPlatform multiPlatform() {
        StoredManifest amd64 = image("amd64", T0);
        StoredManifest arm64 = image("arm64", T0);
        manifests.put(APP, amd64);
        manifests.put(APP, arm64);
        StoredManifest index = index("multi", List.of(amd64.digest(), arm64.digest()));
        manifests.put(APP, index);
        return new MultiPlatform(amd64, arm64, index);
    }

    /** Blobs of 100, 1 000 and 10 000 bytes: a sum of sizes tells which of them were counted. */
    private record SizedBlobs(Digest config, Digest layer, Digest shared) {

        List<Digest> all() {
            return List.of(config, layer, shared);
        }
    }

    private SizedBlobs sizedBlobs() {
        return new SizedBlobs(recordedBlob("config", 100), recordedBlob("layer", 1_000), recordedBlob("shared", 10_000));
    }

    /** Records a five-byte blob. */
    private Digest recordedBlob(String name) {
        return recordedBlob(name, 5);
    }

    private Digest recordedBlob(String name, long size) {
        Digest digest = digestOf(name);
        blobs.recordBlob(digest, size);
        return digest;
    }

    /** An image manifest whose config and layer blobs are recorded. */
    private StoredManifest image(String name, Instant pushedAt) {
        return manifest(name, List.of(recordedBlob(name + " config"), recordedBlob(name + " layer")), List.of(),
                pushedAt);
    }

    private StoredManifest index(String name, List<Digest> children) {
        byte[] payload = ("{\"index\":\"" + name + "\"}").getBytes(UTF_8);
        return new StoredManifest(Digest.of(DigestAlgorithm.SHA256, payload), MediaType.OCI_INDEX_V1, payload, null,
                null, Map.of(), List.of(), children, T0);
    }

    private static StoredManifest manifest(String name, List<Digest> blobs, List<Digest> children, Instant pushedAt) {
        byte[] payload = ("{\"image\":\"" + name + "\"}").getBytes(UTF_8);
        return new StoredManifest(Digest.of(DigestAlgorithm.SHA256, payload), MediaType.DOCKER_MANIFEST_V2, payload,
                null, null, Map.of(), blobs, children, pushedAt);
    }

    private StoredManifest referrer(String name, String artifactType, Digest subject, Instant pushedAt) {
        byte[] payload = ("{\"referrer\":\"" + name + "\"}").getBytes(UTF_8);
        return new StoredManifest(Digest.of(DigestAlgorithm.SHA256, payload), MediaType.OCI_MANIFEST_V1, payload,
                artifactType, subject, Map.of("org.example.name", name), List.of(recordedBlob(name + " blob")),
                List.of(), pushedAt);
    }

    private static StoredManifest withPushedAt(StoredManifest m, Instant pushedAt) {
        return new StoredManifest(m.digest(), m.mediaType(), m.payload(), m.artifactType(), m.subject(),
                m.annotations(), m.blobs(), m.children(), pushedAt);
    }

    private static List<Digest> digests(List<StoredManifest> manifests) {
        return manifests.stream().map(StoredManifest::digest).toList();
    }

    /** Runs {@code work} on {@value #THREADS} threads released at once; fails if any of them fails. */
    private static <T> List<T> concurrently(Supplier<T> work) throws Exception {
        CyclicBarrier start = new CyclicBarrier(THREADS);
        try (ExecutorService pool = Executors.newFixedThreadPool(THREADS)) {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < THREADS; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return work.get();
                }));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get());
            }
            return results;
        }
    }
}
