package dev.berth.deploy.system;

import land.oras.Annotations;
import land.oras.ArtifactType;
import land.oras.Config;
import land.oras.ContainerRef;
import land.oras.Layer;
import land.oras.LocalPath;
import land.oras.Manifest;
import land.oras.ManifestDescriptor;
import land.oras.Registry;
import land.oras.Subject;
import land.oras.exception.OrasException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The ORAS Java SDK ({@code land.oras:oras-java-sdk}) against the packaged Berth: artifacts with an
 * {@code artifactType} pushed from files and pulled back, referrers attached to them and listed
 * through the referrers API, and a Helm chart stored as OCI (Helm's media types) round-trips.
 */
@ResourceLock(SharedBerth.LOCK)
class OrasIT {

    static final String HELM_CONFIG = "application/vnd.cncf.helm.config.v1+json";
    static final String HELM_CHART = "application/vnd.cncf.helm.chart.content.v1.tar+gzip";

    private static RegistryClient registry;
    private static Registry oras;
    private static String host;

    @TempDir
    Path work;

    @BeforeAll
    static void start() throws Exception {
        BerthProcess berth = SharedBerth.get();
        registry = new RegistryClient(berth);
        host = "127.0.0.1:" + berth.port();
        oras = Registry.builder().insecure().build();
    }

    @Test
    void anArtifactWithItsTypePushedFromFilesPullsBackByteForByte() throws Exception {
        Path files = Files.createDirectories(work.resolve("push"));
        Path report = Files.write(files.resolve("report.json"), "{\"findings\":[\"none\"]}".getBytes(StandardCharsets.UTF_8));
        Path notes = Files.write(files.resolve("notes.bin"), OciImageLayout.randomBytes(300_000, 91));
        ContainerRef ref = ContainerRef.parse(host + "/oras/report:v1");

        Manifest pushed = oras.pushArtifact(ref, ArtifactType.from("application/vnd.example.report.v1"),
                Annotations.ofManifest(Map.of("org.opencontainers.image.description", "weekly")), Config.empty(),
                LocalPath.of(report, "application/json"), LocalPath.of(notes));

        HttpResponse<byte[]> stored = registry.get("/v2/oras/report/manifests/v1", "Accept", OciImageLayout.OCI_MANIFEST);
        assertThat(stored.statusCode()).isEqualTo(200);
        String text = RegistryClient.text(stored);
        assertThat(text).contains("\"artifactType\":\"application/vnd.example.report.v1\"",
                "\"org.opencontainers.image.description\":\"weekly\"");
        Manifest fetched = oras.getManifest(ref);
        assertThat(fetched.getArtifactType().getMediaType()).isEqualTo("application/vnd.example.report.v1");
        assertThat(fetched.getLayers()).extracting(Layer::getMediaType)
                .containsExactly("application/json", "application/vnd.oci.image.layer.v1.tar");
        assertThat(fetched.getLayers()).extracting(Layer::getDigest).containsExactlyElementsOf(
                pushed.getLayers().stream().map(Layer::getDigest).toList());

        Path pulled = Files.createDirectories(work.resolve("pull"));
        oras.pullArtifact(ref, pulled, false);
        assertThat(Files.readAllBytes(pulled.resolve("report.json"))).isEqualTo(Files.readAllBytes(report));
        assertThat(Files.readAllBytes(pulled.resolve("notes.bin"))).isEqualTo(Files.readAllBytes(notes));
        assertThat(oras.getTags(ContainerRef.parse(host + "/oras/report")).tags()).containsExactly("v1");
    }

    @Test
    void referrersAttachedToAnArtifactAreListedWithTheirTypes() throws Exception {
        ContainerRef ref = ContainerRef.parse(host + "/oras/attached:v1");
        Path file = Files.writeString(work.resolve("payload.txt"), "the subject's content");
        Manifest subject = oras.pushArtifact(ref, ArtifactType.from("application/vnd.example.payload.v1"),
                Annotations.empty(), Config.empty(), LocalPath.of(file, "text/plain"));
        String subjectDigest = RegistryClient.header(registry.head("/v2/oras/attached/manifests/v1", "Accept",
                OciImageLayout.OCI_MANIFEST), "Docker-Content-Digest");
        Subject about = Subject.of(OciImageLayout.OCI_MANIFEST, subjectDigest, subject.getDescriptor().getSize());

        String signature = attach(ref, about, "application/vnd.example.signature.v1", "signed by the build");
        String sbom = attach(ref, about, "application/spdx+json", "{\"spdxVersion\":\"SPDX-2.3\"}");

        ContainerRef byDigest = ContainerRef.parse(host + "/oras/attached@" + subjectDigest);
        List<ManifestDescriptor> all = oras.getReferrers(byDigest, null).getManifests();
        assertThat(all).extracting(ManifestDescriptor::getDigest).containsExactlyInAnyOrder(signature, sbom);
        assertThat(all).extracting(ManifestDescriptor::getArtifactType)
                .containsExactlyInAnyOrder("application/vnd.example.signature.v1", "application/spdx+json");
        List<ManifestDescriptor> filtered = oras.getReferrers(byDigest, ArtifactType.from("application/spdx+json"))
                .getManifests();
        assertThat(filtered).extracting(ManifestDescriptor::getDigest).containsExactly(sbom);
    }

    @Test
    void aHelmChartStoredAsOciRoundTripsByteForByte() throws Exception {
        byte[] chartYaml = "apiVersion: v2\nname: berth-demo\nversion: 0.1.0\ndescription: a chart\n"
                .getBytes(StandardCharsets.UTF_8);
        byte[] chart = OciImageLayout.gzip(OciImageLayout.tar("berth-demo/Chart.yaml", chartYaml));
        byte[] config = "{\"name\":\"berth-demo\",\"version\":\"0.1.0\",\"description\":\"a chart\",\"apiVersion\":\"v2\"}"
                .getBytes(StandardCharsets.UTF_8);
        ContainerRef ref = ContainerRef.parse(host + "/oras/charts/berth-demo:0.1.0");

        Layer configBlob = oras.pushBlob(ref, config);
        Layer chartBlob = oras.pushBlob(ref, chart).withMediaType(HELM_CHART)
                .withAnnotations(Map.of("org.opencontainers.image.title", "berth-demo-0.1.0.tgz"));
        Manifest manifest = Manifest.empty().withConfig(Config.fromBlob(HELM_CONFIG, configBlob))
                .withLayers(List.of(chartBlob));
        oras.pushManifest(ref, manifest);

        HttpResponse<byte[]> stored = registry.get("/v2/oras/charts/berth-demo/manifests/0.1.0", "Accept",
                OciImageLayout.OCI_MANIFEST);
        assertThat(RegistryClient.header(stored, "Docker-Content-Digest")).isEqualTo(RegistryClient.sha256(stored.body()));
        assertThat(RegistryClient.text(stored)).doesNotContain("artifactType");
        Manifest pulled = oras.getManifest(ref);
        assertThat(pulled.getConfig().getMediaType()).isEqualTo(HELM_CONFIG);
        assertThat(pulled.getLayers()).extracting(Layer::getMediaType).containsExactly(HELM_CHART);
        assertThat(oras.getBlob(ref.withDigest(pulled.getConfig().getDigest()))).isEqualTo(config);
        // getBlob reads the body as text (SDK 0.2.15): binary content only survives as a stream or a file
        try (InputStream fetched = oras.fetchBlob(ref.withDigest(pulled.getLayers().getFirst().getDigest()))) {
            assertThat(fetched.readAllBytes()).isEqualTo(chart);
        }
        assertThat(oras.getTags(ContainerRef.parse(host + "/oras/charts/berth-demo")).tags()).containsExactly("0.1.0");
    }

    @Test
    void aMissingArtifactIsAnOrasErrorWithTheRegistrysCode() {
        assertThatThrownBy(() -> oras.getManifest(ContainerRef.parse(host + "/oras/report:no-such-tag")))
                .isInstanceOf(OrasException.class).hasMessageContaining("404");
    }

    /** What {@code oras attach} does: an artifact of {@code type} whose subject is {@code about}, pushed by digest. */
    private static String attach(ContainerRef ref, Subject about, String type, String content) {
        Layer empty = oras.pushBlob(ref, "{}".getBytes(StandardCharsets.UTF_8));
        Layer layer = oras.pushBlob(ref, content.getBytes(StandardCharsets.UTF_8)).withMediaType(type);
        Manifest manifest = Manifest.empty().withArtifactType(ArtifactType.from(type))
                .withConfig(Config.fromBlob("application/vnd.oci.empty.v1+json", empty))
                .withLayers(List.of(layer)).withSubject(about);
        String digest = RegistryClient.sha256(manifest.toJson().getBytes(StandardCharsets.UTF_8));
        oras.pushManifest(ref.withDigest(digest), manifest);
        assertThat(registry.head("/v2/" + ref.getFullRepository() + "/manifests/" + digest, "Accept",
                OciImageLayout.OCI_MANIFEST).statusCode()).isEqualTo(200);
        return digest;
    }
}
