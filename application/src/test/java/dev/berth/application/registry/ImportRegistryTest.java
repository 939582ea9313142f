package dev.berth.application.registry;

import dev.berth.application.fake.InMemoryDistributionStorage;
import dev.berth.application.migration.ImportRegistry;
import dev.berth.application.port.Referrer;
import dev.berth.domain.Digest;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.Tag;
import dev.berth.domain.error.UnsupportedException;
import dev.berth.domain.manifest.MediaType;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static dev.berth.application.registry.TestRegistry.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link ImportRegistry} from an in-memory registry:2 tree into the in-memory ports. */
class ImportRegistryTest {

    private static final String APP = "team/app";
    private static final String OTHER = "other/tool";

    private final TestRegistry registry = new TestRegistry();
    private final InMemoryDistributionStorage tree = new InMemoryDistributionStorage();
    private final List<String> said = new ArrayList<>();

    private final Digest config = tree.blob(bytes("{\"os\":\"linux\"}"));
    private final Digest layer = tree.blob(bytes("a layer"));
    private final Digest armLayer = tree.blob(bytes("an arm64 layer"));
    /** A Docker schema 2 image. */
    private final byte[] amd64 = bytes("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\","
            + "\"config\":" + descriptor("application/vnd.docker.container.image.v1+json", config, 14) + ","
            + "\"layers\":[" + descriptor("application/vnd.docker.image.rootfs.diff.tar.gzip", layer, 7) + "]}");
    /** An OCI image without a mediaType field: read as Distribution does, by its shape. */
    private final byte[] arm64 = bytes("{\"schemaVersion\":2,"
            + "\"config\":" + descriptor("application/vnd.oci.image.config.v1+json", config, 14) + ","
            + "\"layers\":[" + descriptor("application/vnd.oci.image.layer.v1.tar+gzip", armLayer, 14) + "]}");
    private final Digest amd64Digest = tree.blob(amd64);
    private final Digest arm64Digest = tree.blob(arm64);
    private final byte[] index = bytes("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
            + "\"manifests\":[" + descriptor("application/vnd.docker.distribution.manifest.v2+json", amd64Digest, amd64.length)
            + "," + descriptor("application/vnd.oci.image.manifest.v1+json", arm64Digest, arm64.length) + "]}");
    private final Digest indexDigest = tree.blob(index);
    private final Digest empty = tree.blob(bytes("{}"));
    private final byte[] signature = bytes("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
            + "\"artifactType\":\"application/vnd.example.signature\","
            + "\"config\":" + descriptor("application/vnd.oci.empty.v1+json", empty, 2) + ","
            + "\"layers\":[" + descriptor("application/vnd.oci.empty.v1+json", empty, 2) + "],"
            + "\"subject\":" + descriptor("application/vnd.oci.image.index.v1+json", indexDigest, index.length) + "}");
    private final Digest signatureDigest = tree.blob(signature);

    private static String descriptor(String mediaType, Digest digest, long size) {
        return "{\"mediaType\":\"" + mediaType + "\",\"digest\":\"" + digest + "\",\"size\":" + size + "}";
    }

    /** The whole tree: revisions listed index first, as a directory listing may. */
    private void fullTree() {
        tree.layer(APP, config).layer(APP, layer).layer(APP, armLayer).layer(APP, empty)
                .revision(APP, signatureDigest).revision(APP, indexDigest).revision(APP, amd64Digest).revision(APP, arm64Digest)
                .tag(APP, "latest", indexDigest).tag(APP, "1.0", indexDigest).tag(APP, "amd64", amd64Digest)
                .layer(OTHER, config).layer(OTHER, layer).revision(OTHER, amd64Digest).tag(OTHER, "stable", amd64Digest);
    }

    private ImportRegistry.Report run(boolean dryRun) {
        return new ImportRegistry(registry.blobs, registry.metadata, registry.metadata, registry.metadata,
                registry.putManifest(), registry.mode(), registry.settings).run(tree, dryRun, false, said::add);
    }

    private static RepositoryName name(String repository) {
        return RepositoryName.parse(repository);
    }

    @Test
    void importsBlobsManifestsAndTagsAsPushedThenFindsNothingToDo() throws IOException {
        fullTree();

        ImportRegistry.Report report = run(false);

        assertThat(report.problems()).isEmpty();
        assertThat(report.repositories()).isEqualTo(2);
        assertThat(report.manifests()).isEqualTo(5);
        assertThat(report.tags()).isEqualTo(4);
        assertThat(report.blobs()).as("config and layer shared by both repositories, stored once").isEqualTo(4);
        assertThat(report.copied()).isEqualTo(4);
        assertThat(report.blobLinks()).isEqualTo(6);
        assertThat(report.bytes()).isEqualTo(14 + 7 + 14 + 2);
        assertThat(said).contains(APP + ": imported 4 blob links, 4 manifests, 3 tags");

        GetManifest get = registry.getManifest();
        Set<MediaType> any = Set.of(MediaType.OCI_INDEX_V1, MediaType.OCI_MANIFEST_V1, MediaType.DOCKER_MANIFEST_V2);
        assertThat(get.get(name(APP), Tag.parse("latest"), any).payload()).isEqualTo(index);
        assertThat(get.get(name(APP), arm64Digest, any).mediaType()).isEqualTo(MediaType.OCI_MANIFEST_V1);
        assertThat(get.get(name(OTHER), Tag.parse("stable"), any).payload()).isEqualTo(amd64);
        assertThat(registry.blobs.read(layer, 0, 7).readAllBytes()).isEqualTo(bytes("a layer"));
        assertThat(registry.listReferrers().list(name(APP), indexDigest, Optional.empty(), new PageRequest(Optional.empty(), 10))
                .items()).extracting(Referrer::digest).containsExactly(signatureDigest);

        said.clear();
        ImportRegistry.Report again = run(false);
        assertThat(again.nothingToDo()).isTrue();
        assertThat(again.manifests() + again.tags() + again.blobLinks()).isZero();
        assertThat(said).isEmpty();
    }

    @Test
    void dryRunTellsWhatItWouldImportAndChangesNothing() {
        fullTree();

        ImportRegistry.Report report = run(true);

        assertThat(report.dryRun()).isTrue();
        assertThat(report.manifests()).isEqualTo(5);
        assertThat(report.tags()).isEqualTo(4);
        assertThat(report.blobs()).isEqualTo(4);
        assertThat(said).contains(APP + ": would import 4 blob links, 4 manifests, 3 tags");
        assertThat(registry.metadata.exists(name(APP))).isFalse();
        assertThat(registry.blobs.listContent()).isEmpty();
    }

    @Test
    void namesBrokenLinksMissingAndCorruptBlobsAndImportsTheRest() {
        fullTree();
        tree.removeBlob(armLayer);
        Digest rotten = tree.blob(bytes("rotten"));
        tree.corruptBlob(rotten, bytes("ROTTEN"));
        tree.layer(APP, rotten)
                .layerLink(APP, "sha256:" + "ab".repeat(32), Optional.of("not a digest"))
                .tagLink(APP, "broken", Optional.empty())
                .tag(APP, "gone", Digest.of(dev.berth.domain.DigestAlgorithm.SHA256, bytes("never pushed")));

        ImportRegistry.Report report = run(false);

        assertThat(report.problems()).hasSize(9).anySatisfy(p -> assertThat(p).contains(armLayer + "").contains("missing"))
                .anySatisfy(p -> assertThat(p).contains(rotten + ": corrupt"))
                .anySatisfy(p -> assertThat(p).contains("_layers/sha256:abab").contains("broken"))
                .anySatisfy(p -> assertThat(p).contains("tag broken of team/app: broken link"))
                .anySatisfy(p -> assertThat(p).contains("tag gone of team/app: points at"))
                .anySatisfy(p -> assertThat(p).contains("tag latest of team/app: points at " + indexDigest))
                .anySatisfy(p -> assertThat(p).contains("manifest " + arm64Digest).contains("refused"))
                .anySatisfy(p -> assertThat(p).contains("manifest " + indexDigest).contains("refused"));
        assertThat(said).anySatisfy(line -> assertThat(line).startsWith("problem: "));
        // what does not depend on the missing layer is in
        assertThat(registry.metadata.resolve(name(APP), Tag.parse("amd64"))).contains(amd64Digest);
        assertThat(registry.metadata.resolve(name(OTHER), Tag.parse("stable"))).contains(amd64Digest);
        assertThat(registry.metadata.resolve(name(APP), Tag.parse("latest"))).isEmpty();
        assertThat(registry.metadata.blobSize(rotten)).isEmpty();
    }

    @Test
    void anInterruptedImportCompletesOnTheNextRun() {
        // the first run saw only part of the tree, as if killed after the blobs of the first repository
        tree.layer(APP, config).layer(APP, layer).revision(APP, amd64Digest);
        ImportRegistry.Report first = run(false);
        assertThat(first.manifests()).isEqualTo(1);

        fullTree();
        ImportRegistry.Report second = run(false);

        assertThat(second.problems()).isEmpty();
        assertThat(second.blobs()).as("only what the first run did not store").isEqualTo(2);
        assertThat(second.manifests()).isEqualTo(4);
        assertThat(second.tags()).isEqualTo(4);
        assertThat(registry.metadata.resolve(name(APP), Tag.parse("latest"))).contains(indexDigest);
        assertThat(run(false).nothingToDo()).isTrue();
    }

    @Test
    void refusesToImportIntoAReadOnlyRegistryButMayDryRun() {
        fullTree();
        registry.maintenance.setReadOnly(true);

        assertThatThrownBy(() -> run(false)).isInstanceOf(UnsupportedException.class);
        assertThat(run(true).manifests()).isEqualTo(5);
        assertThat(registry.metadata.exists(name(APP))).isFalse();
    }
}
