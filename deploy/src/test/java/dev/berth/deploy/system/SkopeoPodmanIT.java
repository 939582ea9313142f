package dev.berth.deploy.system;

import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real clients from Debian against the packaged Berth: skopeo pushes and pulls back a multi-layer
 * image byte for byte and a multi-arch index; podman pulls a non-default platform and pushes.
 */
@ResourceLock(SharedBerth.LOCK)
class SkopeoPodmanIT {

    private static final Duration TIMEOUT = Duration.ofMinutes(5);
    static RegistryClient registry;
    static String host;

    @TempDir
    Path work;

    @BeforeAll
    static void start() throws Exception {
        BerthProcess berth = SharedBerth.get();
        registry = new RegistryClient(berth);
        host = "127.0.0.1:" + berth.port();
    }

    @Test
    void skopeoPushesAndPullsBackEveryBlobAndTheManifestBytes() throws Exception {
        OciImageLayout source = OciImageLayout.create(work.resolve("source"));
        OciImageLayout.Blob image = source.image("amd64", 7, 1_500_000, 200_000, 3_000_000);
        source.tag(image, "v1");
        String remote = "docker://" + host + "/clients/skopeo:v1";

        Commands.ok(work, TIMEOUT, "skopeo", "copy", "--dest-tls-verify=false", "--preserve-digests",
                "oci:" + source.root() + ":v1", remote);
        String raw = Commands.ok(work, TIMEOUT, "skopeo", "inspect", "--raw", "--tls-verify=false", remote);
        assertThat(raw).isEqualTo(new String(source.read(image.digest())));

        OciImageLayout pulled = OciImageLayout.create(work.resolve("pulled"));
        Commands.ok(work, TIMEOUT, "skopeo", "copy", "--src-tls-verify=false", remote, "oci:" + pulled.root() + ":v1");
        try (var blobs = Files.list(source.root().resolve("blobs/sha256"))) {
            for (Path blob : blobs.toList()) {
                Path copy = pulled.root().resolve("blobs/sha256").resolve(blob.getFileName());
                assertThat(copy).as("blob " + blob.getFileName()).exists();
                assertThat(Files.readAllBytes(copy)).isEqualTo(Files.readAllBytes(blob));
            }
        }
        assertThat(Files.readString(pulled.root().resolve("index.json"))).contains(image.digest());
    }

    @Test
    void multiArchIndexWithPodmanPullingANonDefaultPlatform() throws Exception {
        OciImageLayout source = OciImageLayout.create(work.resolve("multi"));
        OciImageLayout.Blob amd64 = source.image("amd64", 11, 300_000, 100_000);
        OciImageLayout.Blob arm64 = source.image("arm64", 12, 250_000, 120_000);
        OciImageLayout.Blob index = source.index(List.of(amd64, arm64), List.of("amd64", "arm64"));
        source.tag(index, "v1");
        Commands.ok(work, TIMEOUT, "skopeo", "copy", "--all", "--dest-tls-verify=false", "--preserve-digests",
                "oci:" + source.root() + ":v1", "docker://" + host + "/clients/multi:v1");

        HttpResponse<byte[]> stored = registry.get("/v2/clients/multi/manifests/v1", "Accept", OciImageLayout.OCI_INDEX);
        assertThat(stored.body()).isEqualTo(source.read(index.digest()));

        String[] podman = podman(work.resolve("podman-pull"));
        Commands.ok(work, TIMEOUT, concat(podman, "pull", "--tls-verify=false", "--arch", "arm64", host + "/clients/multi:v1"));
        String architecture = Commands.ok(work, TIMEOUT, concat(podman, "image", "inspect", "--format",
                "{{.Architecture}} {{.Digest}}", host + "/clients/multi:v1")).trim();
        assertThat(architecture).startsWith("arm64");
    }

    @Test
    void podmanPushesAndAFreshPodmanPullsTheSameImage() throws Exception {
        OciImageLayout source = OciImageLayout.create(work.resolve("for-podman"));
        OciImageLayout.Blob image = source.image("amd64", 21, 400_000, 800_000);
        source.tag(image, "v1");
        String[] pusher = podman(work.resolve("podman-push"));
        String pulledOutput = Commands.ok(work, TIMEOUT, concat(pusher, "pull", "-q", "oci:" + source.root() + ":v1")).trim();
        String imageId = pulledOutput.substring(pulledOutput.lastIndexOf('\n') + 1).trim();
        assertThat(imageId).matches("[0-9a-f]{64}");
        Path digestFile = work.resolve("pushed.digest");
        Commands.ok(work, TIMEOUT, concat(pusher, "push", "--tls-verify=false", "--digestfile", digestFile.toString(),
                imageId, host + "/clients/podman:v1"));
        String pushedDigest = Files.readString(digestFile).trim();

        HttpResponse<byte[]> manifest = registry.get("/v2/clients/podman/manifests/" + pushedDigest);
        assertThat(manifest.statusCode()).isEqualTo(200);
        assertThat(RegistryClient.sha256(manifest.body())).isEqualTo(pushedDigest);

        String[] puller = podman(work.resolve("podman-fresh"));
        Commands.ok(work, TIMEOUT, concat(puller, "pull", "--tls-verify=false", host + "/clients/podman:v1"));
        String pulledId = Commands.ok(work, TIMEOUT, concat(puller, "image", "inspect", "--format", "{{.Id}}",
                host + "/clients/podman:v1")).trim();
        assertThat(pulledId).as("same config, same image").isEqualTo(imageId);
    }

    @Test
    void skopeoPushesAnArtifactWithASubjectThatTheReferrersApiLists() throws Exception {
        OciImageLayout layout = OciImageLayout.create(work.resolve("artifact"));
        OciImageLayout.Blob image = layout.image("amd64", 51, 100_000);
        OciImageLayout.Blob signature = layout.artifact("application/vnd.example.signature.v1", image,
                "signature of " + image.digest());
        String repository = "docker://" + host + "/clients/signed";
        layout.tag(image, "v1");
        Commands.ok(work, TIMEOUT, "skopeo", "copy", "--dest-tls-verify=false", "--preserve-digests",
                "oci:" + layout.root() + ":v1", repository + ":v1");
        layout.tag(signature, "sig");
        Commands.ok(work, TIMEOUT, "skopeo", "copy", "--dest-tls-verify=false", "--preserve-digests",
                "oci:" + layout.root() + ":sig", repository + ":sig");

        HttpResponse<byte[]> referrers = registry.get("/v2/clients/signed/referrers/" + image.digest());
        assertThat(RegistryClient.text(referrers)).contains("\"digest\":\"" + signature.digest() + "\"")
                .contains("\"artifactType\":\"application/vnd.example.signature.v1\"");
    }

    @Test
    void skopeoListsAllTagsFollowingThePages() throws Exception {
        OciImageLayout layout = OciImageLayout.create(work.resolve("tags"));
        OciImageLayout.Blob image = layout.image("amd64", 61, 1000);
        layout.tag(image, "t000");
        Commands.ok(work, TIMEOUT, "skopeo", "copy", "--dest-tls-verify=false", "--preserve-digests",
                "oci:" + layout.root() + ":t000", "docker://" + host + "/clients/paged:t000");
        byte[] manifest = layout.read(image.digest());
        for (int i = 1; i < 250; i++) {
            HttpResponse<byte[]> put = registry.send("PUT", "/v2/clients/paged/manifests/" + String.format("t%03d", i),
                    manifest, "Content-Type", OciImageLayout.OCI_MANIFEST);
            assertThat(put.statusCode()).isEqualTo(201);
        }
        String listed = Commands.ok(work, TIMEOUT, "skopeo", "list-tags", "--tls-verify=false",
                "docker://" + host + "/clients/paged");
        assertThat(listed).contains("\"t000\"", "\"t100\"", "\"t249\"");
        assertThat(listed.split("\"t\\d{3}\"", -1)).as("every tag once").hasSize(251);
    }

    /** podman as root with its own storage, so tests neither see nor touch the machine's images. */
    private static String[] podman(Path root) {
        return new String[]{"podman", "--root", root.resolve("storage").toString(), "--runroot",
                root.resolve("run").toString(), "--storage-driver", "vfs", "--events-backend", "file",
                "--cgroup-manager", "cgroupfs"};
    }

    private static String[] concat(String[] first, String... rest) {
        String[] all = new String[first.length + rest.length];
        System.arraycopy(first, 0, all, 0, first.length);
        System.arraycopy(rest, 0, all, first.length, rest.length);
        return all;
    }
}
