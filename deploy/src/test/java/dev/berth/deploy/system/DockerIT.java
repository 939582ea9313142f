package dev.berth.deploy.system;

import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The users' own workflow with Debian's Docker engine (started here on a private socket, vfs
 * storage, no networking of its own): docker load, tag, push to Berth, remove, pull back.
 */
@ResourceLock(SharedBerth.LOCK)
class DockerIT {

    private static DockerDaemon docker;
    private static String host;
    private static RegistryClient registry;

    @BeforeAll
    static void startDocker() throws Exception {
        BerthProcess berth = SharedBerth.get();
        registry = new RegistryClient(berth);
        host = "127.0.0.1:" + berth.port();
        docker = DockerDaemon.start();
    }

    @AfterAll
    static void stopDocker() throws Exception {
        if (docker != null) {
            docker.close();
        }
    }

    @Test
    void loadTagPushRemovePullGivesTheSameImage() throws Exception {
        Path dir = docker.dir();
        OciImageLayout source = OciImageLayout.create(dir.resolve("layout"));
        OciImageLayout.Blob image = source.image("amd64", 31, 2_000_000, 500_000, 50_000);
        source.tag(image, "v1");
        Path archive = dir.resolve("image.tar");
        Commands.ok(dir, DockerDaemon.TIMEOUT, "skopeo", "copy", "oci:" + source.root() + ":v1", "docker-archive:" + archive + ":clients/docker:v1");

        docker.ok("load", "-i", archive.toString());
        String imageId = docker.ok("image", "inspect", "--format", "{{.Id}}", "clients/docker:v1").trim();
        String remote = host + "/clients/docker:v1";
        docker.ok("tag", "clients/docker:v1", remote);
        String push = docker.ok("push", remote);
        Matcher pushed = Pattern.compile("digest: (sha256:[0-9a-f]{64})").matcher(push);
        assertThat(pushed.find()).as(push).isTrue();
        String manifestDigest = pushed.group(1);

        HttpResponse<byte[]> manifest = registry.get("/v2/clients/docker/manifests/v1",
                "Accept", "application/vnd.docker.distribution.manifest.v2+json");
        assertThat(RegistryClient.sha256(manifest.body())).isEqualTo(manifestDigest);

        docker.ok("rmi", remote, "clients/docker:v1");
        assertThat(docker.run("image", "inspect", remote).exitCode()).isNotZero();
        docker.ok("pull", remote);
        assertThat(docker.ok("image", "inspect", "--format", "{{.Id}}", remote).trim()).isEqualTo(imageId);
        assertThat(docker.ok("image", "inspect", "--format", "{{json .RepoDigests}}", remote)).contains(manifestDigest);
    }
}
