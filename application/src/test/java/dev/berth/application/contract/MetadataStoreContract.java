package dev.berth.application.contract;

import dev.berth.application.port.BlobLinkStore;
import dev.berth.application.port.ManifestStore;
import dev.berth.application.port.RepositoryCatalog;
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
import dev.berth.domain.manifest.MediaType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import java.util.stream.IntStream;

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
    }

    @Nested
    class Repositories {

        @Test
        void ensureCreatesTheRepositoryOnce() {
            catalog.ensure(APP);
            catalog.ensure(APP);

            assertThat(catalog.exists(APP)).isTrue();
            assertThat(catalog.exists(OTHER)).isFalse();
            assertThat(catalog.list(Optional.empty(), 10)).containsExactly(APP);
        }

        @Test
        void listsInByteOrderNotInTheLocaleOrder() {
            List<String> byteOrder = List.of("a", "a-b", "a.b", "a/b", "a0", "a__b", "a_b", "b", "b/a");
            List<String> shuffled = new ArrayList<>(byteOrder);
            Collections.shuffle(shuffled, new Random(7));
            shuffled.forEach(name -> catalog.ensure(new RepositoryName(name)));

            assertThat(names(catalog.list(Optional.empty(), 100))).containsExactlyElementsOf(byteOrder);
        }

        @Test
        void pagesStrictlyAfterTheGivenName() {
            List.of("a", "a-b", "a/b", "b").forEach(name -> catalog.ensure(new RepositoryName(name)));

            assertThat(names(catalog.list(Optional.empty(), 2))).containsExactly("a", "a-b");
            assertThat(names(catalog.list(Optional.of("a-b"), 2))).containsExactly("a/b", "b");
            assertThat(names(catalog.list(Optional.of("b"), 2))).isEmpty();
            // the last name of a page need not exist any more
            assertThat(names(catalog.list(Optional.of("a/a"), 10))).containsExactly("a/b", "b");
        }

        @Test
        void aLimitOfZeroListsNothing() {
            catalog.ensure(APP);

            assertThat(catalog.list(Optional.empty(), 0)).isEmpty();
        }

        private static List<String> names(List<RepositoryName> names) {
            return names.stream().map(RepositoryName::value).toList();
        }
    }

    @Nested
    class Blobs {

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
            assertThat(catalog.list(Optional.empty(), 10)).containsExactly(APP);
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
            StoredManifest amd64 = image("amd64", T0);
            StoredManifest arm64 = image("arm64", T0);
            manifests.put(APP, amd64);
            manifests.put(APP, arm64);
            StoredManifest index = index("multi", List.of(amd64.digest(), arm64.digest()));
            manifests.put(APP, index);

            assertThat(manifests.get(APP, index.digest()).orElseThrow().children())
                    .containsExactly(amd64.digest(), arm64.digest());
            assertThat(manifests.isChildOfAnother(APP, amd64.digest())).isTrue();
            assertThat(manifests.isChildOfAnother(APP, arm64.digest())).isTrue();
            assertThat(manifests.isChildOfAnother(APP, index.digest())).isFalse();
            assertThat(manifests.isChildOfAnother(OTHER, amd64.digest())).isFalse();
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

        @Test
        void listsManifestsWithTheSubjectInPushOrder() {
            StoredManifest subject = image("subject", T0);
            manifests.put(APP, subject);
            StoredManifest sbom = referrer("sbom", SBOM, subject.digest(), T0.plusSeconds(1));
            StoredManifest signature = referrer("signature", SIGNATURE, subject.digest(), T0.plusSeconds(2));
            StoredManifest laterSbom = referrer("sbom 2", SBOM, subject.digest(), T0.plusSeconds(3));
            StoredManifest unrelated = referrer("unrelated", SBOM, digestOf("another subject"), T0.plusSeconds(4));
            // pushed out of order: the order is by push time, not by insertion
            List.of(laterSbom, unrelated, signature, sbom).forEach(m -> manifests.put(APP, m));

            assertThat(digests(manifests.referrers(APP, subject.digest(), Optional.empty())))
                    .containsExactly(sbom.digest(), signature.digest(), laterSbom.digest());
            assertThat(manifests.referrers(APP, subject.digest(), Optional.empty()).getFirst())
                    .usingRecursiveComparison().isEqualTo(sbom);
        }

        @Test
        void filtersByArtifactType() {
            Digest subject = digestOf("subject");
            StoredManifest sbom = referrer("sbom", SBOM, subject, T0);
            StoredManifest signature = referrer("signature", SIGNATURE, subject, T0.plusSeconds(1));
            manifests.put(APP, sbom);
            manifests.put(APP, signature);

            assertThat(digests(manifests.referrers(APP, subject, Optional.of(SIGNATURE))))
                    .containsExactly(signature.digest());
            assertThat(manifests.referrers(APP, subject, Optional.of("application/other"))).isEmpty();
        }

        @Test
        void areSeparatePerRepository() {
            Digest subject = digestOf("subject");
            manifests.put(APP, referrer("sbom", SBOM, subject, T0));

            assertThat(manifests.referrers(OTHER, subject, Optional.empty())).isEmpty();
        }

        @Test
        void goAwayWhenDeleted() {
            Digest subject = digestOf("subject");
            StoredManifest sbom = referrer("sbom", SBOM, subject, T0);
            manifests.put(APP, sbom);

            manifests.delete(APP, sbom.digest());

            assertThat(manifests.referrers(APP, subject, Optional.empty())).isEmpty();
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

        private final UploadSession session = new UploadSession(UploadId.random(), APP, 0, T0, T0);

        @Test
        void aSessionIsFoundInItsRepositoryOnly() {
            uploads.create(session);

            assertThat(uploads.find(APP, session.id())).hasValue(session);
            assertThat(uploads.find(OTHER, session.id())).isEmpty();
            assertThat(uploads.find(APP, UploadId.random())).isEmpty();
            assertThat(catalog.exists(APP)).as("a repository exists from its first upload").isTrue();
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
            UploadSession session = new UploadSession(UploadId.random(), OTHER, 0, T0, T0);

            assertThatThrownBy(() -> transactions.run(() -> {
                StoredManifest manifest = image("app", T0);
                blobs.link(APP, manifest.blobs().getFirst());
                manifests.put(APP, manifest);
                tags.tag(APP, new Tag("latest"), manifest.digest());
                uploads.create(session);
                throw failure;
            })).isSameAs(failure);

            assertThat(catalog.list(Optional.empty(), 10)).isEmpty();
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
            UploadSession session = new UploadSession(UploadId.random(), APP, 0, T0, T0);
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

            assertThat(catalog.list(Optional.empty(), 10)).containsExactly(APP);
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

            assertThat(catalog.list(Optional.empty(), 10)).containsExactly(APP);
            assertThat(blobs.linkedSize(APP, layer)).hasValue(5);
        }
    }

    // --- test data

    protected static Digest digestOf(String content) {
        return Digest.of(DigestAlgorithm.SHA256, content.getBytes(UTF_8));
    }

    /** Records a five-byte blob. */
    private Digest recordedBlob(String name) {
        Digest digest = digestOf(name);
        blobs.recordBlob(digest, 5);
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
