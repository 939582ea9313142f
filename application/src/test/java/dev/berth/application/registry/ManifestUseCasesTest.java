package dev.berth.application.registry;

import dev.berth.application.port.Referrer;
import dev.berth.application.port.StoredManifest;
import dev.berth.domain.Digest;
import dev.berth.domain.DigestAlgorithm;
import dev.berth.domain.Reference;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.Tag;
import dev.berth.domain.access.Caller;
import dev.berth.domain.access.Grant;
import dev.berth.domain.access.Robot;
import dev.berth.domain.access.User;
import dev.berth.domain.error.DigestInvalidException;
import dev.berth.domain.error.ManifestBlobUnknownException;
import dev.berth.domain.error.ManifestInvalidException;
import dev.berth.domain.error.ManifestUnknownException;
import dev.berth.domain.error.NameUnknownException;
import dev.berth.domain.error.PaginationNumberInvalidException;
import dev.berth.domain.error.UnsupportedException;
import dev.berth.domain.manifest.MediaType;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;

import static dev.berth.application.registry.TestRegistry.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ManifestUseCasesTest {

    private final TestRegistry registry = new TestRegistry();
    private final RepositoryName repo = RepositoryName.parse("team/app");

    private static String descriptor(String mediaType, Digest digest, long size, String extra) {
        return "{\"mediaType\":\"" + mediaType + "\",\"digest\":\"" + digest + "\",\"size\":" + size + extra + "}";
    }

    /** Pushes a config and a layer, returns an OCI image manifest over them. */
    private String image(TestRegistry r, String seed, String extra) {
        byte[] config = bytes("{\"os\":\"linux\",\"seed\":\"" + seed + "\"}");
        byte[] layer = bytes("layer-" + seed);
        Digest configDigest = r.push(repo, config);
        Digest layerDigest = r.push(repo, layer);
        return "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":" + descriptor("application/vnd.oci.image.config.v1+json", configDigest, config.length, "") + ","
                + "\"layers\":[" + descriptor("application/vnd.oci.image.layer.v1.tar+gzip", layerDigest, layer.length, "") + "]"
                + extra + "}";
    }

    private PushedManifest put(String reference, MediaType type, String json) {
        return registry.putManifest().put(repo, Reference.parse(reference), type, bytes(json));
    }

    @Test
    void pushByTagStoresTheExactBytesUnderTheirDigest() {
        String json = image(registry, "a", "");
        PushedManifest pushed = put("v1", MediaType.OCI_MANIFEST_V1, json);

        assertThat(pushed.digest()).isEqualTo(Digest.of(DigestAlgorithm.SHA256, bytes(json)));
        StoredManifest byTag = registry.getManifest().get(repo, Tag.parse("v1"), Set.of());
        StoredManifest byDigest = registry.getManifest().get(repo, pushed.digest(), Set.of());
        assertThat(byTag.payload()).isEqualTo(bytes(json));
        assertThat(byDigest.digest()).isEqualTo(pushed.digest());
        assertThat(byTag.artifactType()).as("config type stands in for artifactType")
                .isEqualTo("application/vnd.oci.image.config.v1+json");
    }

    @Test
    void referencedContentMustBeInTheRepository() {
        String json = image(new TestRegistry(), "elsewhere", "");
        registry.push(repo, bytes("the repository exists, the manifest's blobs are not in it"));
        assertThatThrownBy(() -> put("v1", MediaType.OCI_MANIFEST_V1, json)).isInstanceOf(ManifestBlobUnknownException.class);
        assertThatThrownBy(() -> registry.getManifest().get(repo, Tag.parse("v1"), Set.of()))
                .isInstanceOf(ManifestUnknownException.class);
    }

    @Test
    void foreignLayersNeedNotBePushed() {
        Digest foreign = Digest.of(DigestAlgorithm.SHA256, bytes("windows base layer"));
        String json = image(registry, "windows", "").replace("\"layers\":[", "\"layers\":["
                + descriptor("application/vnd.docker.image.rootfs.foreign.diff.tar.gzip", foreign, 1234,
                ",\"urls\":[\"https://mcr.example/layer\"]") + ",");
        PushedManifest pushed = put("v1", MediaType.OCI_MANIFEST_V1, json);
        assertThat(registry.getManifest().get(repo, pushed.digest(), Set.of()).payload()).isEqualTo(bytes(json));
    }

    @Test
    void aConfigWithUrlsMustStillBeInTheRepository() {
        byte[] secretConfig = bytes("{\"os\":\"linux\",\"config\":{\"Env\":[\"TOKEN=secret\"]}}");
        Digest otherRepositorysConfig = registry.push(RepositoryName.parse("secret/app"), secretConfig);
        Digest nowhere = Digest.of(DigestAlgorithm.SHA256, bytes("exists nowhere"));
        registry.push(repo, bytes("mallory's repository exists"));

        for (Digest config : List.of(otherRepositorysConfig, nowhere)) {
            String json = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                    + "\"config\":" + descriptor("application/vnd.oci.image.config.v1+json", config, secretConfig.length,
                    ",\"urls\":[\"https://mallory.example/config\"]") + ",\"layers\":[]}";
            assertThatThrownBy(() -> put("v1", MediaType.OCI_MANIFEST_V1, json))
                    .as("the same answer whether or not the digest exists elsewhere")
                    .isInstanceOf(ManifestBlobUnknownException.class)
                    .satisfies(e -> assertThat(((ManifestBlobUnknownException) e).detail())
                            .isEqualTo(config.toString()));
        }
    }

    @Test
    void aSubjectWithUrlsGainsNothing() {
        RepositoryName victim = RepositoryName.parse("secret/app");
        String victimImage = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":" + descriptor("application/vnd.oci.image.config.v1+json",
                registry.push(victim, bytes("{}")), 2, "") + ",\"layers\":[]}";
        Digest victimDigest = registry.putManifest().put(victim, Reference.parse("v1"), MediaType.OCI_MANIFEST_V1,
                bytes(victimImage)).digest();
        String artifact = image(registry, "sig", ",\"subject\":" + descriptor(
                "application/vnd.oci.image.manifest.v1+json", victimDigest, victimImage.length(),
                ",\"urls\":[\"https://mallory.example/subject\"]"));

        PushedManifest pushed = put("sig", MediaType.OCI_MANIFEST_V1, artifact);

        assertThat(pushed.subject()).as("a subject need not exist, urls or not").contains(victimDigest);
        assertThat(registry.listReferrers().list(victim, victimDigest, Optional.empty(),
                PageRequest.of(Optional.empty(), OptionalInt.empty(), registry.settings)).items())
                .as("filed among the subject's referrers in its own repository only").isEmpty();
        assertThatThrownBy(() -> registry.getManifest().get(repo, victimDigest, Set.of()))
                .as("nor does the subject become the repository's").isInstanceOf(ManifestUnknownException.class);
    }

    @Test
    void aDigestReferenceMustMatchTheBytes() {
        String json = image(registry, "b", "");
        Digest other = Digest.of(DigestAlgorithm.SHA256, bytes("other"));
        assertThatThrownBy(() -> put(other.toString(), MediaType.OCI_MANIFEST_V1, json))
                .isInstanceOf(DigestInvalidException.class);
    }

    @Test
    void typeConfusionAndOversizeAreInvalid() {
        String json = image(registry, "c", "");
        assertThatThrownBy(() -> put("v1", MediaType.DOCKER_MANIFEST_V2, json)).isInstanceOf(ManifestInvalidException.class);
        String huge = json.replace("}", ",\"annotations\":{\"pad\":\"" + "x".repeat(70_000) + "\"}}");
        assertThatThrownBy(() -> put("v2", MediaType.OCI_MANIFEST_V1, huge)).isInstanceOf(ManifestInvalidException.class);
    }

    @Test
    void indexNeedsItsChildrenAndOldClientsGetTheAmd64Image() {
        String amd64 = image(registry, "amd64", "");
        String arm64 = image(registry, "arm64", "");
        Digest amd64Digest = Digest.of(DigestAlgorithm.SHA256, bytes(amd64));
        Digest arm64Digest = Digest.of(DigestAlgorithm.SHA256, bytes(arm64));
        String index = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":["
                + descriptor("application/vnd.oci.image.manifest.v1+json", arm64Digest, amd64.length(),
                ",\"platform\":{\"architecture\":\"arm64\",\"os\":\"linux\"}") + ","
                + descriptor("application/vnd.oci.image.manifest.v1+json", amd64Digest, amd64.length(),
                ",\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}") + "]}";
        assertThatThrownBy(() -> put("multi", MediaType.OCI_INDEX_V1, index)).isInstanceOf(ManifestBlobUnknownException.class);

        put(amd64Digest.toString(), MediaType.OCI_MANIFEST_V1, amd64);
        put(arm64Digest.toString(), MediaType.OCI_MANIFEST_V1, arm64);
        put("multi", MediaType.OCI_INDEX_V1, index);

        assertThat(registry.getManifest().get(repo, Tag.parse("multi"), Set.of()).mediaType()).isEqualTo(MediaType.OCI_INDEX_V1);
        assertThat(registry.getManifest().get(repo, Tag.parse("multi"), Set.of(MediaType.OCI_INDEX_V1, MediaType.OCI_MANIFEST_V1))
                .mediaType()).isEqualTo(MediaType.OCI_INDEX_V1);
        assertThat(registry.getManifest().get(repo, Tag.parse("multi"), Set.of(MediaType.OCI_MANIFEST_V1)).digest())
                .isEqualTo(amd64Digest);
        assertThatThrownBy(() -> registry.deleteManifest().delete(repo, amd64Digest))
                .as("a child goes after its index").isInstanceOf(UnsupportedException.class);
    }

    @Test
    void artifactsAreListedAsReferrersOfTheirSubject() {
        String json = image(registry, "subject", "");
        Digest subject = put("v1", MediaType.OCI_MANIFEST_V1, json).digest();
        String signature = image(registry, "sig", ",\"artifactType\":\"application/vnd.example.sig\","
                + "\"subject\":" + descriptor("application/vnd.oci.image.manifest.v1+json", subject, json.length(), ""));
        PushedManifest pushed = put(Digest.of(DigestAlgorithm.SHA256, bytes(signature)).toString(), MediaType.OCI_MANIFEST_V1,
                signature);
        assertThat(pushed.subject()).contains(subject);

        assertThat(referrers(subject, Optional.empty(), Optional.empty(), OptionalInt.empty()).items())
                .extracting(Referrer::digest).containsExactly(pushed.digest());
        assertThat(referrers(subject, Optional.of("application/vnd.example.sbom"), Optional.empty(),
                OptionalInt.empty()).items()).isEmpty();
        assertThat(referrers(Digest.of(DigestAlgorithm.SHA256, bytes("none")), Optional.empty(), Optional.empty(),
                OptionalInt.empty()).items()).isEmpty();
        assertThat(registry.listReferrers().list(RepositoryName.parse("never/pushed"), subject, Optional.empty(),
                PageRequest.of(Optional.empty(), OptionalInt.empty(), registry.settings)).items())
                .as("never a 404 from the referrers API").isEmpty();
    }

    @Test
    void referrersArePagedAndClampedLikeTags() {
        TestRegistry small = new TestRegistry(true, 3);
        String json = image(small, "subject", "");
        Digest subject = small.putManifest().put(repo, Reference.parse("v1"), MediaType.OCI_MANIFEST_V1, bytes(json))
                .digest();
        List<Digest> pushed = IntStream.range(0, 5).mapToObj(i -> {
            String artifactType = i % 2 == 0 ? "application/vnd.example.sig" : "application/vnd.example.sbom";
            String artifact = image(small, "artifact " + i, ",\"artifactType\":\"" + artifactType + "\",\"subject\":"
                    + descriptor("application/vnd.oci.image.manifest.v1+json", subject, json.length(), ""));
            return small.putManifest().put(repo, Digest.of(DigestAlgorithm.SHA256, bytes(artifact)),
                    MediaType.OCI_MANIFEST_V1, bytes(artifact)).digest();
        }).toList();
        ListReferrers list = small.listReferrers();

        Page<Referrer> greedy = list.list(repo, subject, Optional.empty(),
                PageRequest.of(Optional.empty(), OptionalInt.of(1000), small.settings));
        Page<Referrer> first = list.list(repo, subject, Optional.empty(),
                PageRequest.of(Optional.empty(), OptionalInt.of(2), small.settings));
        Page<Referrer> rest = list.list(repo, subject, Optional.empty(),
                PageRequest.of(Optional.of(first.items().getLast().digest().toString()), OptionalInt.of(2),
                        small.settings));
        Page<Referrer> last = list.list(repo, subject, Optional.empty(),
                PageRequest.of(Optional.of(rest.items().getLast().digest().toString()), OptionalInt.of(2),
                        small.settings));
        Page<Referrer> signatures = list.list(repo, subject, Optional.of("application/vnd.example.sig"),
                PageRequest.of(Optional.empty(), OptionalInt.empty(), small.settings));

        assertThat(greedy.items()).as("clamped to the largest page").hasSize(3);
        assertThat(greedy.more()).isTrue();
        assertThat(first.more()).isTrue();
        assertThat(rest.more()).isTrue();
        assertThat(last.more()).isFalse();
        assertThat(IntStream.of(0, 1, 2).boxed().flatMap(i -> List.of(first, rest, last).get(i).items().stream())
                .map(Referrer::digest)).containsExactlyInAnyOrderElementsOf(pushed).doesNotHaveDuplicates();
        assertThat(signatures.items()).extracting(Referrer::artifactType).hasSize(3)
                .containsOnly("application/vnd.example.sig");
    }

    private Page<Referrer> referrers(Digest subject, Optional<String> artifactType, Optional<String> last, OptionalInt n) {
        return registry.listReferrers().list(repo, subject, artifactType, PageRequest.of(last, n, registry.settings));
    }

    @Test
    void deleteByTagKeepsTheManifestByDigestRemovesItsTags() {
        Digest digest = put("v1", MediaType.OCI_MANIFEST_V1, image(registry, "d", "")).digest();
        registry.metadata.tag(repo, Tag.parse("v2"), digest);

        registry.deleteManifest().delete(repo, Tag.parse("v1"));
        assertThatThrownBy(() -> registry.getManifest().get(repo, Tag.parse("v1"), Set.of()))
                .isInstanceOf(ManifestUnknownException.class);
        assertThat(registry.getManifest().get(repo, digest, Set.of()).digest()).isEqualTo(digest);

        registry.deleteManifest().delete(repo, digest);
        assertThatThrownBy(() -> registry.getManifest().get(repo, Tag.parse("v2"), Set.of()))
                .isInstanceOf(ManifestUnknownException.class);
        assertThatThrownBy(() -> registry.deleteManifest().delete(repo, digest)).isInstanceOf(ManifestUnknownException.class);
    }

    @Test
    void deletesCanBeDisabled() {
        TestRegistry readOnly = new TestRegistry(false, 100);
        assertThatThrownBy(() -> readOnly.deleteManifest().delete(repo, Tag.parse("v1"))).isInstanceOf(UnsupportedException.class);
    }

    @Test
    void tagPagesAreClampedAndSayWhetherMoreRemain() {
        TestRegistry small = new TestRegistry(true, 10);
        String json = image(small, "tags", "");
        List<String> names = IntStream.range(0, 25).mapToObj(i -> String.format("t%02d", i)).toList();
        for (String name : names) {
            small.putManifest().put(repo, Tag.parse(name), MediaType.OCI_MANIFEST_V1, bytes(json));
        }
        Page<Tag> first = small.listTags().list(repo, PageRequest.of(Optional.empty(), OptionalInt.of(1_000_000), small.settings));
        assertThat(first.items()).hasSize(10);
        assertThat(first.more()).isTrue();
        Page<Tag> last = small.listTags().list(repo, PageRequest.of(Optional.of("t19"), OptionalInt.of(10), small.settings));
        assertThat(last.items()).extracting(Tag::toString).containsExactly("t20", "t21", "t22", "t23", "t24");
        assertThat(last.more()).isFalse();
        assertThat(small.listTags().list(repo, PageRequest.of(Optional.empty(), OptionalInt.of(0), small.settings)).items()).isEmpty();
        assertThatThrownBy(() -> PageRequest.of(Optional.empty(), OptionalInt.of(-1), small.settings))
                .isInstanceOf(PaginationNumberInvalidException.class);
        assertThatThrownBy(() -> small.listTags().list(RepositoryName.parse("no/such"),
                PageRequest.of(Optional.empty(), OptionalInt.empty(), small.settings))).isInstanceOf(NameUnknownException.class);
    }

    @Test
    void catalogPages() {
        for (String name : List.of("b/one", "a/one", "c/one")) {
            registry.push(RepositoryName.parse(name), bytes(name));
        }
        Page<RepositoryName> page = registry.listRepositories().list(PageRequest.of(Optional.of("a/one"), OptionalInt.of(1),
                registry.settings), Caller.unrestricted());
        assertThat(page.items()).extracting(RepositoryName::toString).containsExactly("b/one");
        assertThat(page.more()).isTrue();
    }

    @Test
    void filteredCatalogPagesSkipWhatTheCallerMayNotSeeAndStillFillUp() {
        Caller teamMember = new Caller(Optional.of(new User("dev", true, false)), Grant.parseList("team/*:pull"),
                Optional.empty());
        for (int i = 0; i < 12; i++) {
            registry.push(RepositoryName.parse("hidden/r" + (char) ('a' + i)), bytes("h" + i));
        }
        for (String name : List.of("team/a", "team/b", "team/c")) {
            registry.push(RepositoryName.parse(name), bytes(name));
        }
        Page<RepositoryName> first = registry.listRepositories().list(
                PageRequest.of(Optional.empty(), OptionalInt.of(2), registry.settings), teamMember);
        assertThat(first.items()).extracting(RepositoryName::toString).containsExactly("team/a", "team/b");
        assertThat(first.more()).isTrue();
        Page<RepositoryName> second = registry.listRepositories().list(
                PageRequest.of(Optional.of("team/b"), OptionalInt.of(2), registry.settings), teamMember);
        assertThat(second.items()).extracting(RepositoryName::toString).containsExactly("team/c");
        assertThat(second.more()).isFalse();
    }

    @Test
    void theCatalogListsWhatARobotMayPullWhateverItsTokenNamesAndNothingForWhoMaySeeNothing() {
        for (String name : List.of("ci/tool", "ci/base", "secret/app", "team/a")) {
            registry.push(RepositoryName.parse(name), bytes(name));
        }
        PageRequest all = PageRequest.of(Optional.empty(), OptionalInt.of(10), registry.settings);
        Caller admin = new Caller(Optional.of(new User("root", true, true)), List.of(), Optional.empty());
        Caller robot = admin.as(new Robot(UUID.randomUUID(), Grant.parseList("ci/*:pull")));

        assertThat(registry.listRepositories().list(all, robot).items()).extracting(RepositoryName::toString)
                .containsExactly("ci/base", "ci/tool");
        assertThat(registry.listRepositories().list(all, robot.withTokenAccess(List.of())).items())
                .extracting(RepositoryName::toString).containsExactly("ci/base", "ci/tool");
        assertThat(registry.listRepositories().list(all, admin.withTokenAccess(List.of())).items())
                .as("a user's catalog token lists what the user may pull").hasSize(4);
        assertThat(registry.listRepositories().list(all, Caller.anonymous(List.of()))).isEqualTo(
                new Page<>(List.of(), false));
    }
}
