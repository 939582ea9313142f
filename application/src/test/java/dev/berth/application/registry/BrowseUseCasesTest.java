package dev.berth.application.registry;

import dev.berth.application.browse.ChildManifest;
import dev.berth.application.browse.DeletionPreview;
import dev.berth.application.browse.HistoryEntry;
import dev.berth.application.browse.ImageConfig;
import dev.berth.application.browse.LayerInfo;
import dev.berth.application.browse.ManifestDetails;
import dev.berth.application.browse.NamespaceSummary;
import dev.berth.application.browse.ReferrerInfo;
import dev.berth.application.browse.RegistryStatistics;
import dev.berth.application.browse.RepositoryQuery;
import dev.berth.application.browse.RepositorySort;
import dev.berth.application.browse.RepositorySummary;
import dev.berth.application.browse.TagSort;
import dev.berth.application.browse.TagSummary;
import dev.berth.application.browse.UntaggedManifestSummary;
import dev.berth.application.event.EventAction;
import dev.berth.application.fake.RecordingOutbox;
import dev.berth.application.port.AuditLog;
import dev.berth.application.port.StoredManifest;
import dev.berth.domain.Digest;
import dev.berth.domain.DigestAlgorithm;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.Tag;
import dev.berth.domain.access.Caller;
import dev.berth.domain.access.Grant;
import dev.berth.domain.access.Robot;
import dev.berth.domain.access.User;
import dev.berth.domain.error.DeniedException;
import dev.berth.domain.error.ManifestUnknownException;
import dev.berth.domain.error.NameUnknownException;
import dev.berth.domain.error.UnsupportedException;
import dev.berth.domain.manifest.Descriptor;
import dev.berth.domain.manifest.MediaType;
import dev.berth.domain.manifest.Platform;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static dev.berth.application.registry.TestRegistry.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.INSTANT;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The admin UI's use cases: what each caller sees, what previews say, what deletions do and record. */
class BrowseUseCasesTest {

    private static final RepositoryName APP = RepositoryName.parse("team/app");
    private static final RepositoryName DB = RepositoryName.parse("team/db");
    private static final RepositoryName OTHER = RepositoryName.parse("other/tools");
    private static final String IMAGE_CONFIG = "application/vnd.oci.image.config.v1+json";
    private static final String LAYER = "application/vnd.oci.image.layer.v1.tar+gzip";
    private static final String ADDRESS = "192.0.2.7";
    /** The largest config DescribeManifest reads. */
    private static final int FOUR_MIB = 4 * 1024 * 1024;

    private final TestRegistry registry = new TestRegistry();

    private static final Caller ADMIN = user("root", true);
    /** May pull everything below team/. */
    private static final Caller ALICE = user("alice", false, "team/*:pull");
    /** May pull and delete below team/. */
    private static final Caller DELETER = user("dora", false, "team/*:pull,delete");
    /** May push only, so sees nothing. */
    private static final Caller PUSHER = user("pete", false, "*:push");
    private static final Caller NOBODY = user("bob", false);

    private static Caller user(String name, boolean admin, String... grants) {
        return new Caller(Optional.of(new User(name, true, admin)),
                Arrays.stream(grants).map(Grant::parse).toList(), Optional.empty());
    }

    // --- pushing test content

    /** What was pushed: the manifest's digest and bytes. */
    private record Pushed(Digest digest, byte[] payload) {
        long size() {
            return payload.length;
        }
    }

    private static String descriptor(String mediaType, Digest digest, long size, String extra) {
        return "{\"mediaType\":\"" + mediaType + "\",\"digest\":\"" + digest + "\",\"size\":" + size + extra + "}";
    }

    /** Pushes the config and layers, then an OCI image manifest over them under each tag (by digest without). */
    private Pushed image(RepositoryName repository, byte[] config, List<byte[]> layers, String extra, String... tags) {
        return image(repository, IMAGE_CONFIG, config, layers, extra, tags);
    }

    private Pushed image(RepositoryName repository, String configType, byte[] config, List<byte[]> layers,
                         String extra, String... tags) {
        Digest configDigest = registry.push(repository, config);
        String layerList = layers.stream()
                .map(layer -> descriptor(LAYER, registry.push(repository, layer), layer.length, ""))
                .collect(Collectors.joining(","));
        return manifest(repository, MediaType.OCI_MANIFEST_V1, "{\"schemaVersion\":2,\"mediaType\":\""
                + MediaType.OCI_MANIFEST_V1 + "\",\"config\":" + descriptor(configType, configDigest, config.length, "")
                + ",\"layers\":[" + layerList + "]" + extra + "}", tags);
    }

    /** An OCI index over manifests already in the repository, each with its platform ("" for none). */
    private Pushed index(RepositoryName repository, Map<Pushed, String> children, String... tags) {
        String list = children.entrySet().stream()
                .map(c -> descriptor(MediaType.OCI_MANIFEST_V1.toString(), c.getKey().digest(), c.getKey().size(),
                        c.getValue()))
                .collect(Collectors.joining(","));
        return manifest(repository, MediaType.OCI_INDEX_V1, "{\"schemaVersion\":2,\"mediaType\":\""
                + MediaType.OCI_INDEX_V1 + "\",\"manifests\":[" + list + "]}", tags);
    }

    private Pushed manifest(RepositoryName repository, MediaType type, String json, String... tags) {
        byte[] payload = bytes(json);
        Digest digest = Digest.of(DigestAlgorithm.SHA256, payload);
        registry.putManifest().put(repository, digest, type, payload);
        for (String tag : tags) {
            registry.putManifest().put(repository, Tag.parse(tag), type, payload);
        }
        return new Pushed(digest, payload);
    }

    private static String platform(String os, String architecture, String variant) {
        return ",\"platform\":{\"os\":\"" + os + "\",\"architecture\":\"" + architecture + "\""
                + (variant == null ? "" : ",\"variant\":\"" + variant + "\"") + "}";
    }

    /** A small image with content of its own. */
    private Pushed small(RepositoryName repository, String seed, String... tags) {
        return image(repository, bytes("{\"os\":\"linux\",\"seed\":\"" + seed + "\"}"), List.of(bytes("layer " + seed)),
                "", tags);
    }

    private static byte[] filled(char c, int length) {
        return bytes(String.valueOf(c).repeat(length));
    }

    @Nested
    class BrowsingRepositories {

        private final RepositoryQuery byName = new RepositoryQuery("", "", RepositorySort.NAME, false);

        private List<String> names(Caller caller, RepositoryQuery query) {
            return registry.browseRepositories().page(caller, query, 0, 100).stream()
                    .map(r -> r.name().value()).toList();
        }

        @Test
        void rowsCarryEachRepositorysNumbers() {
            byte[] config = bytes("{\"os\":\"linux\"}");
            byte[] layer = filled('l', 1_000);
            Pushed pushed = image(APP, config, List.of(layer), "", "v1", "latest");
            small(DB, "db");

            RepositorySummary app = registry.browseRepositories().page(ADMIN, byName, 0, 10).getFirst();

            assertThat(app).usingRecursiveComparison().ignoringFields("lastPush")
                    .isEqualTo(new RepositorySummary(APP, 2, 1, config.length + 1_000 + pushed.size(), Optional.empty()));
            // tags set in one instant get successive microseconds, as successive transactions' now()
            assertThat(app.lastPush()).get().asInstanceOf(INSTANT)
                    .isBetween(registry.clock.instant(), registry.clock.instant().plusMillis(1));
        }

        @Test
        void adminsSeeEverythingOthersWhatTheyMayPull() {
            small(APP, "app");
            small(DB, "db");
            small(OTHER, "tools");
            Caller tokenOfAnAdmin = ADMIN.withTokenAccess(List.of(Grant.parse("team/app:pull")));
            Caller robotOfAnAdmin = ADMIN.as(new Robot(UUID.randomUUID(), List.of(Grant.parse("team/*:pull"))));

            assertThat(names(ADMIN, byName)).containsExactly("other/tools", "team/app", "team/db");
            assertThat(names(ALICE, byName)).containsExactly("team/app", "team/db");
            assertThat(names(tokenOfAnAdmin, byName)).as("a token's scope narrows even an admin")
                    .containsExactly("team/app");
            assertThat(names(robotOfAnAdmin, byName)).as("a robot's scope narrows even an admin's grants")
                    .containsExactly("team/app", "team/db");
            assertThat(registry.browseRepositories().namespaces(robotOfAnAdmin)).extracting(NamespaceSummary::namespace)
                    .containsExactly("team");
            assertThat(registry.browseRepositories().count(robotOfAnAdmin, byName)).isEqualTo(2);
            assertThat(names(NOBODY, byName)).isEmpty();
            assertThat(names(PUSHER, byName)).as("push is no pull").isEmpty();
            assertThat(names(Caller.anonymous(List.of(Grant.parse("other/*:pull"))), byName))
                    .containsExactly("other/tools");

            assertThat(registry.browseRepositories().count(ADMIN, byName)).isEqualTo(3);
            assertThat(registry.browseRepositories().count(ALICE, byName)).isEqualTo(2);
            assertThat(registry.browseRepositories().count(NOBODY, byName)).isZero();
        }

        @Test
        void searchesByNameAndNamespaceAndSorts() {
            small(APP, "app");
            small(DB, "db");
            registry.clock.advance(Duration.ofMinutes(1));
            image(OTHER, bytes("{}"), List.of(filled('x', 10_000)), "", "latest");

            assertThat(names(ADMIN, new RepositoryQuery(" APP ", null, null, false))).containsExactly("team/app");
            assertThat(names(ADMIN, new RepositoryQuery("", "team/", RepositorySort.NAME, true)))
                    .containsExactly("team/db", "team/app");
            assertThat(names(ADMIN, new RepositoryQuery("", "", RepositorySort.SIZE, true)).getFirst())
                    .isEqualTo("other/tools");
            assertThat(names(ADMIN, new RepositoryQuery("", "", RepositorySort.LAST_PUSH, true)).getFirst())
                    .isEqualTo("other/tools");
            assertThat(registry.browseRepositories().count(ALICE, new RepositoryQuery("", "other", null, false)))
                    .isZero();
        }

        @Test
        void oneRepositorysNumbersOnlyForThoseWhoMayPullIt() {
            small(APP, "app");

            assertThat(registry.browseRepositories().summary(ALICE, APP)).get()
                    .extracting(RepositorySummary::manifests).isEqualTo(1L);
            assertThat(registry.browseRepositories().summary(NOBODY, APP)).as("hidden looks like absent").isEmpty();
            assertThat(registry.browseRepositories().summary(ADMIN, RepositoryName.parse("team/none"))).isEmpty();
        }

        @Test
        void namespacesOfWhatTheCallerMayPull() {
            small(APP, "app");
            small(DB, "db");
            small(OTHER, "tools");
            registry.metadata.ensure(RepositoryName.parse("toplevel"));

            assertThat(registry.browseRepositories().namespaces(ADMIN))
                    .containsExactly(new NamespaceSummary("other", 1), new NamespaceSummary("team", 2));
            assertThat(registry.browseRepositories().namespaces(ALICE)).containsExactly(new NamespaceSummary("team", 2));
            assertThat(registry.browseRepositories().namespaces(NOBODY)).isEmpty();
        }

        @Test
        void pagesAreCappedAt500AndOnlyWhatIsShownIsFetched() {
            IntStream.range(0, 600).forEach(i -> registry.metadata.ensure(RepositoryName.parse("r/" + (1000 + i))));
            long before = registry.browseRepositories().rowsFetched();

            assertThat(registry.browseRepositories().page(ADMIN, byName, 0, 10_000)).hasSize(500);
            assertThat(registry.browseRepositories().page(ADMIN, byName, 590, 50)).hasSize(10)
                    .first().extracting(r -> r.name().value()).isEqualTo("r/1590");
            assertThat(registry.browseRepositories().page(ADMIN, byName, 0, 0)).isEmpty();
            assertThat(registry.browseRepositories().rowsFetched() - before).isEqualTo(510);
            assertThat(registry.browseRepositories().count(ADMIN, byName)).isEqualTo(600);
        }

        @Test
        void aNegativeOffsetIsRefused() {
            assertThatThrownBy(() -> registry.browseRepositories().page(ADMIN, byName, -1, 10))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Nested
    class ListingTags {

        @Test
        void tagsWithTheirManifestsPlatformsSizesAndTimes() {
            byte[] sharedLayer = filled('s', 5_000);
            Pushed amd64 = image(APP, bytes("{\"architecture\":\"amd64\"}"), List.of(sharedLayer, filled('a', 100)),
                    "", "amd64");
            Pushed arm64 = image(APP, bytes("{\"architecture\":\"arm64\"}"), List.of(sharedLayer), "");
            Pushed attestation = image(APP, bytes("{}"), List.of(bytes("in-toto")), "");
            registry.clock.advance(Duration.ofMinutes(1));
            Pushed multi = index(APP, orderedMap(amd64, platform("linux", "amd64", null), arm64,
                    platform("linux", "arm64", "v8"), attestation, platform("unknown", "unknown", null)), "latest");

            List<TagSummary> tags = registry.listTagDetails().page(ALICE, APP, "", TagSort.NAME, false, 0, 10);

            assertThat(tags).extracting(t -> t.tag().value()).containsExactly("amd64", "latest");
            TagSummary image = tags.get(0);
            assertThat(image.digest()).isEqualTo(amd64.digest());
            assertThat(image.mediaType()).isEqualTo(MediaType.OCI_MANIFEST_V1);
            assertThat(image.platforms()).isEmpty();
            assertThat(image.compressedSize()).isEqualTo(amd64.size() + 24 + 5_000 + 100);
            assertThat(image.pushedAt()).isEqualTo(Instant.parse("2026-11-27T10:00:00Z"));
            TagSummary index = tags.get(1);
            assertThat(index.mediaType()).isEqualTo(MediaType.OCI_INDEX_V1);
            assertThat(index.platforms()).as("attestations run nowhere").containsExactly(
                    new Platform("amd64", "linux", null, null, List.of()),
                    new Platform("arm64", "linux", "v8", null, List.of()));
            assertThat(index.compressedSize()).as("each shared layer once").isEqualTo(multi.size() + amd64.size()
                    + arm64.size() + attestation.size() + 24 + 5_000 + 100 + 24 + 2 + 7);
            assertThat(index.pushedAt()).isEqualTo(Instant.parse("2026-11-27T10:01:00Z"));
            assertThat(image.artifactType()).as("an image config makes no artifact").isEmpty();
        }

        @Test
        void thePullCommandOffersTheNewestImageTagNotLatestNorALaterArtifact() {
            assertThat(registry.suggestPullTag().suggest(ALICE, APP)).as("no tags").isEmpty();
            Pushed image = small(APP, "app", "latest");
            registry.clock.advance(Duration.ofMinutes(1));
            small(APP, "app", "1.2");
            registry.clock.advance(Duration.ofMinutes(1));
            image(APP, "application/spdx+json", bytes("{}"), List.of(bytes("sbom")),
                    ",\"subject\":" + descriptor(MediaType.OCI_MANIFEST_V1.toString(), image.digest(), image.size(), ""),
                    "sbom");

            assertThat(registry.suggestPullTag().suggest(ALICE, APP)).hasValue(Tag.parse("1.2"));
            assertThatThrownBy(() -> registry.suggestPullTag().suggest(NOBODY, APP)).isInstanceOf(DeniedException.class);
        }

        @Test
        void onlyArtifactsTaggedTheNewestIsOffered() {
            image(APP, "application/spdx+json", bytes("{}"), List.of(bytes("sbom")), "", "sbom");

            assertThat(registry.suggestPullTag().suggest(ALICE, APP)).hasValue(Tag.parse("sbom"));
        }

        @Test
        void aTaggedArtifactSaysWhatItIs() {
            image(APP, "application/vnd.cyclonedx+json", bytes("{}"), List.of(bytes("bom")), "", "sbom");

            assertThat(registry.listTagDetails().page(ALICE, APP, "", TagSort.NAME, false, 0, 10).getFirst()
                    .artifactType()).hasValue("application/vnd.cyclonedx+json");
        }

        @Test
        void aPageHoldsNoLargeIndexPayloadsItsPlatformsAreLeftOut() {
            Pushed amd64 = small(APP, "amd64");
            Pushed small = index(APP, orderedMap(amd64, platform("linux", "amd64", null)), "small");
            // padded past the bound a tag page reads an index's bytes up to (the test registry takes 64 KiB manifests)
            String padded = new String(small.payload(), java.nio.charset.StandardCharsets.UTF_8)
                    .replace("{\"schemaVersion\"", "{\"annotations\":{\"pad\":\"" + "x".repeat(40_000)
                            + "\"},\"schemaVersion\"");
            manifest(APP, MediaType.OCI_INDEX_V1, padded, "large");

            List<TagSummary> tags = registry.listTagDetails().page(ALICE, APP, "", TagSort.NAME, false, 0, 10);

            assertThat(tags).extracting(t -> t.tag().value()).containsExactly("large", "small");
            assertThat(tags.get(0).platforms()).as("a 40 kB index is not read for a grid row").isEmpty();
            assertThat(tags.get(1).platforms()).hasSize(1);
        }

        @Test
        void sortsSearchesAndCounts() {
            Pushed manifest = small(APP, "app");
            for (String tag : List.of("v2", "V1", "latest", "v10")) {
                registry.clock.advance(Duration.ofSeconds(1));
                registry.putManifest().put(APP, Tag.parse(tag), MediaType.OCI_MANIFEST_V1, manifest.payload());
            }

            assertThat(tagNames(TagSort.PUSHED, true, "")).containsExactly("v10", "latest", "V1", "v2");
            assertThat(tagNames(TagSort.NAME, false, "")).containsExactly("V1", "latest", "v10", "v2");
            assertThat(tagNames(null, false, " v1")).containsExactly("V1", "v10");
            assertThat(registry.listTagDetails().count(ALICE, APP, "V1")).isEqualTo(2);
            assertThat(registry.listTagDetails().count(ALICE, APP, null)).isEqualTo(4);
            assertThat(registry.listTagDetails().page(ALICE, APP, "", TagSort.NAME, false, 3, 10)).hasSize(1);
        }

        private List<String> tagNames(TagSort sort, boolean descending, String search) {
            return registry.listTagDetails().page(ALICE, APP, search, sort, descending, 0, 10).stream()
                    .map(t -> t.tag().value()).toList();
        }

        @Test
        void aCallerWhoMayNotPullIsDenied() {
            small(APP, "app", "latest");

            assertThatThrownBy(() -> registry.listTagDetails().page(NOBODY, APP, "", TagSort.NAME, false, 0, 10))
                    .isInstanceOf(DeniedException.class);
            assertThatThrownBy(() -> registry.listTagDetails().count(PUSHER, APP, ""))
                    .isInstanceOf(DeniedException.class);
            assertThatThrownBy(() -> registry.listTagDetails().count(ALICE, OTHER, ""))
                    .isInstanceOf(DeniedException.class);
        }
    }

    @Nested
    class UntaggedManifests {

        @Test
        void listsWhatOnlyADigestReachesWithWhatItIs() {
            Pushed tagged = small(APP, "tagged", "latest");
            registry.clock.advance(Duration.ofMinutes(1));
            Pushed old = small(APP, "old");
            registry.clock.advance(Duration.ofMinutes(1));
            Pushed sbom = image(APP, "application/spdx+json", bytes("{}"), List.of(bytes("sbom")),
                    ",\"subject\":" + descriptor(MediaType.OCI_MANIFEST_V1.toString(), tagged.digest(), tagged.size(), ""));

            List<UntaggedManifestSummary> untagged = registry.listUntaggedManifests().page(ALICE, APP, 0, 10);

            assertThat(untagged).extracting(UntaggedManifestSummary::digest).containsExactly(sbom.digest(), old.digest());
            assertThat(untagged.get(0).artifactType()).as("the config type of an artifact").hasValue("application/spdx+json");
            assertThat(untagged.get(0).subject()).hasValue(tagged.digest());
            assertThat(untagged.get(1).artifactType()).as("an image config makes no artifact").isEmpty();
            assertThat(untagged.get(1).subject()).isEmpty();
            assertThat(untagged.get(1).compressedSize()).isEqualTo(
                    registry.describeManifest().describe(ALICE, APP, old.digest()).compressedSize());
            assertThat(registry.listUntaggedManifests().count(ALICE, APP)).isEqualTo(2);

            registry.deleteImages().manifest(DELETER, ADDRESS, APP, old.digest());
            assertThat(registry.listUntaggedManifests().count(ALICE, APP)).isEqualTo(1);
        }

        @Test
        void aCallerWhoMayNotPullIsDenied() {
            small(APP, "app");

            assertThatThrownBy(() -> registry.listUntaggedManifests().page(NOBODY, APP, 0, 10))
                    .isInstanceOf(DeniedException.class);
            assertThatThrownBy(() -> registry.listUntaggedManifests().count(PUSHER, APP))
                    .isInstanceOf(DeniedException.class);
        }
    }

    @Nested
    class DescribingManifests {

        private static final String CONFIG = """
                {"created":"2026-11-01T08:30:00.123456789+01:00","architecture":"arm64","os":"linux","variant":"v8",
                 "config":{"User":"app","ExposedPorts":{"8080/tcp":{},"9090/udp":{}},"Env":["PATH=/usr/bin","MODE=prod"],
                  "Entrypoint":["/entry.sh"],"Cmd":["serve","--port","8080"],"WorkingDir":"/srv",
                  "Labels":{"org.opencontainers.image.title":"App","z":"last","number":7}},
                 "rootfs":{"type":"layers","diff_ids":[]},
                 "history":[{"created":"2026-11-01T07:00:00Z","created_by":"/bin/sh -c #(nop) ADD file","empty_layer":false},
                            {"created":"yesterday","created_by":"CMD [\\"serve\\"]","comment":"buildkit","empty_layer":true}]}""";

        @Test
        void anImageWithItsConfigLayersTagsAndReferrers() {
            byte[] layer = filled('l', 300);
            Pushed image = image(APP, bytes(CONFIG), List.of(layer),
                    ",\"annotations\":{\"org.opencontainers.image.source\":\"https://example.org/app\"}", "v1", "latest");
            registry.clock.advance(Duration.ofMinutes(5));
            Pushed signature = image(APP, "application/vnd.dev.cosign.artifact.sig.v1+json", bytes("{}"),
                    List.of(bytes("signature")), ",\"subject\":" + descriptor(MediaType.OCI_MANIFEST_V1.toString(),
                            image.digest(), image.size(), "") + ",\"annotations\":{\"kind\":\"signature\"}");

            ManifestDetails details = registry.describeManifest().describe(ALICE, APP, image.digest());

            assertThat(details.repository()).isEqualTo(APP);
            assertThat(details.digest()).isEqualTo(image.digest());
            assertThat(details.mediaType()).isEqualTo(MediaType.OCI_MANIFEST_V1);
            assertThat(details.size()).isEqualTo(image.size());
            assertThat(details.pushedAt()).isEqualTo(Instant.parse("2026-11-27T10:00:00Z"));
            assertThat(details.tags()).containsExactly(Tag.parse("latest"), Tag.parse("v1"));
            assertThat(details.prettyJson()).startsWith("{\n  \"schemaVersion\": 2,\n  \"mediaType\": ")
                    .contains("\n  \"layers\": [\n    {\n      \"mediaType\": \"" + LAYER + "\",");
            assertThat(details.subject()).isEmpty();
            assertThat(details.artifactType()).as("an image config makes no artifact").isEmpty();
            assertThat(details.annotations()).containsEntry("org.opencontainers.image.source", "https://example.org/app");
            assertThat(details.configDescriptor()).get().extracting(Descriptor::size).isEqualTo((long) bytes(CONFIG).length);
            assertThat(details.layers()).containsExactly(
                    new LayerInfo(Digest.of(DigestAlgorithm.SHA256, layer), MediaType.parse(LAYER), 300));
            assertThat(details.children()).isEmpty();
            assertThat(details.referrers()).containsExactly(new ReferrerInfo(signature.digest(),
                    MediaType.OCI_MANIFEST_V1, "application/vnd.dev.cosign.artifact.sig.v1+json", signature.size(),
                    Instant.parse("2026-11-27T10:05:00Z"), Map.of("kind", "signature")));
            assertThat(details.referrerCount()).isEqualTo(1);

            ImageConfig config = details.config().orElseThrow();
            assertThat(config.os()).isEqualTo("linux");
            assertThat(config.architecture()).isEqualTo("arm64");
            assertThat(config.variant()).isEqualTo("v8");
            assertThat(config.created()).hasValue(Instant.parse("2026-11-01T07:30:00.123456789Z"));
            assertThat(config.entrypoint()).containsExactly("/entry.sh");
            assertThat(config.cmd()).containsExactly("serve", "--port", "8080");
            assertThat(config.env()).containsExactly("PATH=/usr/bin", "MODE=prod");
            assertThat(config.labels()).as("in order; a label that is no string is none")
                    .containsExactly(Map.entry("org.opencontainers.image.title", "App"), Map.entry("z", "last"));
            assertThat(config.exposedPorts()).containsExactly("8080/tcp", "9090/udp");
            assertThat(config.workingDir()).isEqualTo("/srv");
            assertThat(config.user()).isEqualTo("app");
            assertThat(config.history()).containsExactly(
                    new HistoryEntry(Optional.of(Instant.parse("2026-11-01T07:00:00Z")), "/bin/sh -c #(nop) ADD file",
                            "", false),
                    new HistoryEntry(Optional.empty(), "CMD [\"serve\"]", "buildkit", true));

            ManifestDetails signed = registry.describeManifest().describe(ALICE, APP, signature.digest());
            assertThat(signed.subject()).hasValue(image.digest());
            assertThat(signed.artifactType()).hasValue("application/vnd.dev.cosign.artifact.sig.v1+json");
            assertThat(signed.config()).as("no image config").isEmpty();
        }

        @Test
        void anIndexListsItsImagesWithTheirPlatforms() {
            Pushed amd64 = small(APP, "amd64");
            Pushed other = small(APP, "other");
            Pushed index = index(APP, orderedMap(amd64, platform("linux", "amd64", null), other, ""), "latest");

            ManifestDetails details = registry.describeManifest().describe(ADMIN, APP, index.digest());

            long amd64Pull = registry.describeManifest().describe(ADMIN, APP, amd64.digest()).compressedSize();
            long otherPull = registry.describeManifest().describe(ADMIN, APP, other.digest()).compressedSize();
            assertThat(amd64Pull).as("the manifest, its config and its layer")
                    .isEqualTo(amd64.size() + bytes("{\"os\":\"linux\",\"seed\":\"amd64\"}").length
                            + bytes("layer amd64").length);
            assertThat(details.children()).containsExactly(
                    new ChildManifest(amd64.digest(), MediaType.OCI_MANIFEST_V1, amd64.size(), amd64Pull,
                            Optional.of(new Platform("amd64", "linux", null, null, List.of()))),
                    new ChildManifest(other.digest(), MediaType.OCI_MANIFEST_V1, other.size(), otherPull,
                            Optional.empty()));
            assertThat(details.size()).as("the index's own bytes").isEqualTo(index.size());
            assertThat(details.compressedSize()).as("the index and all it lists")
                    .isEqualTo(index.size() + amd64Pull + otherPull);
            assertThat(details.listedBy()).isEmpty();
            assertThat(registry.describeManifest().describe(ADMIN, APP, amd64.digest()).listedBy())
                    .as("an image links back to its index").containsExactly(index.digest());
            assertThat(details.configDescriptor()).isEmpty();
            assertThat(details.config()).isEmpty();
            assertThat(details.layers()).isEmpty();
            assertThat(details.tags()).containsExactly(Tag.parse("latest"));
        }

        @Test
        void aConfigThatIsGarbageMissingOrHugeIsNoConfigAndNoFailure() {
            Pushed garbage = image(APP, bytes("this is no JSON"), List.of(), "");
            Pushed array = image(APP, bytes("[1,2]"), List.of(), "");
            Pushed huge = image(APP, filled(' ', FOUR_MIB + 1), List.of(), "");
            Pushed gone = small(APP, "gone");
            Digest goneConfig = registry.describeManifest().describe(ADMIN, APP, gone.digest())
                    .configDescriptor().orElseThrow().digest();
            registry.blobs.delete(goneConfig);

            for (Pushed pushed : List.of(garbage, array, huge, gone)) {
                ManifestDetails details = registry.describeManifest().describe(ADMIN, APP, pushed.digest());
                assertThat(details.config()).isEmpty();
                assertThat(details.configDescriptor()).isPresent();
            }
        }

        @Test
        void aConfigNotLinkedToTheRepositoryIsNeverRead() {
            // OTHER's image config, with its secrets; APP's manifest names it (stored before configs had to be linked)
            Pushed secret = small(OTHER, "secret");
            Descriptor otherConfig = registry.describeManifest().describe(ADMIN, OTHER, secret.digest())
                    .configDescriptor().orElseThrow();
            byte[] payload = bytes("{\"schemaVersion\":2,\"mediaType\":\"" + MediaType.OCI_MANIFEST_V1
                    + "\",\"config\":" + descriptor(IMAGE_CONFIG, otherConfig.digest(), otherConfig.size(),
                    ",\"urls\":[\"https://mallory.example/config\"]") + ",\"layers\":[]}");
            Digest digest = Digest.of(DigestAlgorithm.SHA256, payload);
            registry.metadata.put(APP, new StoredManifest(digest, MediaType.OCI_MANIFEST_V1, payload, IMAGE_CONFIG,
                    null, Map.of(), List.of(), List.of(), registry.clock.instant()));

            ManifestDetails details = registry.describeManifest().describe(ADMIN, APP, digest);

            assertThat(registry.describeManifest().describe(ADMIN, OTHER, secret.digest()).config()).isPresent();
            assertThat(details.configDescriptor()).get().extracting(Descriptor::digest).isEqualTo(otherConfig.digest());
            assertThat(details.config()).as("read through APP, where it is not linked").isEmpty();
        }

        @Test
        void anUnknownManifestIsUnknownAndOnlyPullersMayLook() {
            Pushed image = small(APP, "app");
            Digest unknown = Digest.of(DigestAlgorithm.SHA256, bytes("unknown"));

            assertThatThrownBy(() -> registry.describeManifest().describe(ADMIN, APP, unknown))
                    .isInstanceOf(ManifestUnknownException.class);
            assertThatThrownBy(() -> registry.describeManifest().describe(ADMIN, DB, image.digest()))
                    .isInstanceOf(ManifestUnknownException.class);
            assertThatThrownBy(() -> registry.describeManifest().describe(NOBODY, APP, image.digest()))
                    .isInstanceOf(DeniedException.class);
            assertThatThrownBy(() -> registry.describeManifest().describe(NOBODY, APP, unknown))
                    .as("denied before anything is looked up").isInstanceOf(DeniedException.class);
        }
    }

    @Nested
    class PreviewingDeletions {

        private final byte[] config = bytes("{\"os\":\"linux\",\"n\":1}");
        private final byte[] own = filled('o', 1_000);
        private final byte[] shared = filled('s', 5_000);

        /** APP's image with a config and layer of its own and a layer OTHER's image uses too. */
        private Pushed imageSharingALayer() {
            Pushed pushed = image(APP, config, List.of(own, shared), "", "v1", "latest");
            image(OTHER, bytes("{\"os\":\"linux\",\"n\":2}"), List.of(shared), "", "latest");
            return pushed;
        }

        @Test
        void aTagGoesItsManifestStays() {
            Pushed pushed = imageSharingALayer();

            DeletionPreview preview = registry.previewDeletion().tag(DELETER, APP, Tag.parse("v1"));

            assertThat(preview.removed()).containsExactly("tag v1");
            assertThat(preview.kept()).containsExactly("manifest sha256:" + pushed.digest().hex().substring(0, 12)
                    + "… (still tagged latest)");
            assertThat(preview.reclaimableBytes()).isZero();
            assertThat(preview.sharedBytes()).isZero();
            assertThat(preview.summary()).contains("tag v1", "team/app");

            registry.deleteImages().tag(DELETER, ADDRESS, APP, Tag.parse("latest"));
            assertThat(registry.previewDeletion().tag(DELETER, APP, Tag.parse("v1")).kept())
                    .singleElement().asString().endsWith("(untagged afterwards, still pullable by digest)");
        }

        @Test
        void aManifestFreesWhatOnlyItUsesAndKeepsWhatOthersShare() {
            Pushed pushed = imageSharingALayer();

            DeletionPreview preview = registry.previewDeletion().manifest(DELETER, APP, pushed.digest());

            long ownBytes = config.length + 1_000;
            assertThat(preview.reclaimableBytes()).isEqualTo(pushed.size() + ownBytes);
            assertThat(preview.sharedBytes()).isEqualTo(5_000);
            assertThat(preview.removed()).containsExactly(
                    "manifest sha256:" + pushed.digest().hex().substring(0, 12) + "… (" + pushed.size() + " B)",
                    "tag latest", "tag v1", "2 blobs (1.0 kB) used only by this image");
            assertThat(preview.kept()).containsExactly("1 blob (5.0 kB) shared with other images");
            assertThat(preview.summary()).contains("with 2 tags", "can be reclaimed after garbage collection");
        }

        @Test
        void aManifestAnIndexListsCannotBeDeleted() {
            Pushed child = small(APP, "child");
            index(APP, orderedMap(child, platform("linux", "amd64", null)), "latest");

            DeletionPreview preview = registry.previewDeletion().manifest(DELETER, APP, child.digest());

            assertThat(preview.summary()).contains("cannot be deleted", "an index in team/app lists it");
            assertThat(preview.removed()).isEmpty();
            assertThat(preview.reclaimableBytes()).isZero();
            assertThatThrownBy(() -> registry.deleteImages().manifest(DELETER, ADDRESS, APP, child.digest()))
                    .as("as the deletion refuses it").isInstanceOf(UnsupportedException.class);
        }

        @Test
        void anIndexKeepsItsImages() {
            Pushed child = small(APP, "child");
            Pushed index = index(APP, orderedMap(child, platform("linux", "amd64", null)), "latest");

            DeletionPreview preview = registry.previewDeletion().manifest(DELETER, APP, index.digest());

            assertThat(preview.kept()).containsExactly("1 image this index lists (each can be deleted after it)");
            assertThat(preview.reclaimableBytes()).isEqualTo(index.size());
        }

        @Test
        void aRepositoryWithItsCountsAndWhatOtherRepositoriesShare() {
            Pushed pushed = imageSharingALayer();

            DeletionPreview preview = registry.previewDeletion().repository(DELETER, APP);

            assertThat(preview.removed()).containsExactly("repository team/app", "2 tags",
                    "1 manifest (" + pushed.size() + " B)", "2 blobs (1.0 kB) only in this repository");
            assertThat(preview.kept()).containsExactly("1 blob (5.0 kB) shared with other repositories");
            assertThat(preview.reclaimableBytes()).isEqualTo(pushed.size() + config.length + 1_000);
            assertThat(preview.sharedBytes()).isEqualTo(5_000);
            assertThat(preview.summary()).startsWith("Deletes repository team/app with 2 tags, 1 manifest and 3 blobs (");
        }

        @Test
        void onlyWhoMayDeleteIsShownAndUnknownsAreUnknown() {
            Pushed pushed = imageSharingALayer();

            assertThatThrownBy(() -> registry.previewDeletion().manifest(ALICE, APP, pushed.digest()))
                    .isInstanceOf(DeniedException.class);
            assertThatThrownBy(() -> registry.previewDeletion().repository(ALICE, APP))
                    .isInstanceOf(DeniedException.class);
            assertThatThrownBy(() -> registry.previewDeletion().tag(DELETER, APP, Tag.parse("missing")))
                    .isInstanceOf(ManifestUnknownException.class);
            assertThatThrownBy(() -> registry.previewDeletion().repository(DELETER, DB))
                    .isInstanceOf(NameUnknownException.class);
        }
    }

    @Nested
    class DeletingImages {

        private List<RecordingOutbox.Added> deleteEvents() {
            return registry.outbox.added.stream().filter(a -> a.action() == EventAction.DELETE).toList();
        }

        @Test
        void aTagWithItsEventAndAuditEntry() {
            Pushed pushed = small(APP, "app", "v1", "latest");

            registry.deleteImages().tag(DELETER, ADDRESS, APP, Tag.parse("v1"));

            assertThat(registry.metadata.resolve(APP, Tag.parse("v1"))).isEmpty();
            assertThat(registry.metadata.resolve(APP, Tag.parse("latest"))).hasValue(pushed.digest());
            assertThat(deleteEvents()).singleElement().satisfies(e -> assertThat(e.json()).contains("\"tag\":\"v1\""));
            assertThat(registry.users.events).singleElement().satisfies(e -> {
                assertThat(e.actor()).isEqualTo("dora");
                assertThat(e.address()).isEqualTo(ADDRESS);
                assertThat(e.action()).isEqualTo("delete");
                assertThat(e.target()).isEqualTo("team/app:v1");
                assertThat(e.success()).isTrue();
            });
        }

        @Test
        void aManifestWithItsTags() {
            Pushed pushed = small(APP, "app", "v1", "latest");

            registry.deleteImages().manifest(DELETER, ADDRESS, APP, pushed.digest());

            assertThat(registry.metadata.exists(APP, pushed.digest())).isFalse();
            assertThat(registry.metadata.tagsOf(APP, pushed.digest())).isEmpty();
            assertThat(deleteEvents()).singleElement()
                    .satisfies(e -> assertThat(e.json()).contains("\"digest\":\"" + pushed.digest() + "\""));
            assertThat(registry.users.events).extracting(AuditLog.Event::target)
                    .containsExactly("team/app@" + pushed.digest());
        }

        @Test
        void aRepositoryWithEverythingInItAndAnEventPerManifest() {
            Pushed amd64 = small(APP, "amd64", "amd64");
            Pushed arm64 = small(APP, "arm64");
            Pushed index = index(APP, orderedMap(amd64, platform("linux", "amd64", null), arm64,
                    platform("linux", "arm64", null)), "latest");
            small(DB, "db", "latest");
            int before = deleteEvents().size();

            registry.deleteImages().repository(DELETER, ADDRESS, APP);

            assertThat(registry.metadata.exists(APP)).isFalse();
            assertThat(registry.browseRepositories().page(ADMIN, new RepositoryQuery("", "", null, false), 0, 10))
                    .extracting(RepositorySummary::name).containsExactly(DB);
            List<RecordingOutbox.Added> events = deleteEvents().subList(before, deleteEvents().size());
            assertThat(events).hasSize(3);
            assertThat(events.getFirst().json()).as("the index first").contains(index.digest().toString());
            assertThat(String.join("\n", events.stream().map(RecordingOutbox.Added::json).toList()))
                    .contains(amd64.digest().toString(), arm64.digest().toString());
            assertThat(registry.users.events).extracting(AuditLog.Event::target).containsExactly("team/app");
            assertThatThrownBy(() -> registry.deleteImages().repository(DELETER, ADDRESS, APP))
                    .isInstanceOf(NameUnknownException.class);
        }

        @Test
        void withoutTheDeleteRightNothingGoesAndNothingIsAudited() {
            Pushed pushed = small(APP, "app", "latest");

            assertThatThrownBy(() -> registry.deleteImages().tag(ALICE, ADDRESS, APP, Tag.parse("latest")))
                    .isInstanceOf(DeniedException.class);
            assertThatThrownBy(() -> registry.deleteImages().manifest(ALICE, ADDRESS, APP, pushed.digest()))
                    .isInstanceOf(DeniedException.class);
            assertThatThrownBy(() -> registry.deleteImages().repository(ALICE, ADDRESS, APP))
                    .isInstanceOf(DeniedException.class);
            assertThatThrownBy(() -> registry.deleteImages().repository(DELETER, ADDRESS, OTHER))
                    .as("the right is per repository").isInstanceOf(DeniedException.class);

            assertThat(registry.metadata.resolve(APP, Tag.parse("latest"))).hasValue(pushed.digest());
            assertThat(deleteEvents()).isEmpty();
            assertThat(registry.users.events).isEmpty();
        }

        @Test
        void nothingGoesWhenTheRegistryForbidsDeletes() {
            TestRegistry readOnly = new TestRegistry(false, 100);
            readOnly.metadata.ensure(APP);

            assertThatThrownBy(() -> readOnly.deleteImages().repository(ADMIN, ADDRESS, APP))
                    .isInstanceOf(UnsupportedException.class);
            assertThatThrownBy(() -> readOnly.deleteImages().tag(ADMIN, ADDRESS, APP, Tag.parse("latest")))
                    .isInstanceOf(UnsupportedException.class);
            assertThat(readOnly.metadata.exists(APP)).isTrue();
            assertThat(readOnly.users.events).isEmpty();
        }

        @Test
        void anUnknownTagOrManifestIsUnknown() {
            small(APP, "app", "latest");

            assertThatThrownBy(() -> registry.deleteImages().tag(DELETER, ADDRESS, APP, Tag.parse("missing")))
                    .isInstanceOf(ManifestUnknownException.class);
            assertThatThrownBy(() -> registry.deleteImages().manifest(DELETER, ADDRESS, APP,
                    Digest.of(DigestAlgorithm.SHA256, bytes("missing")))).isInstanceOf(ManifestUnknownException.class);
            assertThat(registry.users.events).isEmpty();
        }
    }

    @Nested
    class Statistics {

        @Test
        void countsTheRegistryAndTodaysPushesAndPulls() {
            byte[] shared = filled('s', 5_000);
            Pushed app = image(APP, bytes("{\"n\":1}"), List.of(shared), "", "latest");
            Pushed other = image(OTHER, bytes("{\"n\":2}"), List.of(shared), "", "latest", "v1");
            registry.getManifest().pull(APP, Tag.parse("latest"), Set.of());
            registry.getManifest().pull(APP, app.digest(), Set.of());
            registry.getManifest().get(APP, Tag.parse("latest"), Set.of());

            RegistryStatistics statistics = registry.showStatistics().show(ADMIN);

            // a push by digest and one per tag
            RegistryStatistics expected = new RegistryStatistics(2, 3, 2, 3, 7 + 7 + 5_000 + app.size() + other.size(),
                    5, 2);
            assertThat(statistics).isEqualTo(expected);
            registry.activity.flush();
            assertThat(registry.showStatistics().show(ADMIN)).as("flushed, not counted twice").isEqualTo(expected);

            registry.clock.advance(Duration.ofDays(1));
            registry.getManifest().pull(APP, Tag.parse("latest"), Set.of());
            assertThat(registry.showStatistics().show(ADMIN)).as("a new day")
                    .returns(0L, RegistryStatistics::pushesToday).returns(1L, RegistryStatistics::pullsToday);
        }

        @Test
        void areForAdminsOnly() {
            assertThatThrownBy(() -> registry.showStatistics().show(ALICE)).isInstanceOf(DeniedException.class);
            assertThatThrownBy(() -> registry.showStatistics().show(NOBODY)).isInstanceOf(DeniedException.class);
        }
    }

    /** Insertion order matters for an index's children. */
    private static Map<Pushed, String> orderedMap(Object... pairs) {
        Map<Pushed, String> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((Pushed) pairs[i], (String) pairs[i + 1]);
        }
        return map;
    }
}
