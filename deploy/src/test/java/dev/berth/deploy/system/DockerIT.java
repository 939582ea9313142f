package dev.berth.deploy.system;

import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The users' own workflow with Debian's Docker engine (started here on a private socket, vfs
 * storage, no networking of its own): docker load, tag, push to Berth, remove, pull back.
 */
@ResourceLock(SharedBerth.LOCK)
class DockerIT {

    private static final Duration TIMEOUT = Duration.ofMinutes(5);
    private static Path dir;
    private static Process dockerd;
    private static Map<String, String> env;
    private static String host;
    private static RegistryClient registry;

    @BeforeAll
    static void startDocker() throws Exception {
        BerthProcess berth = SharedBerth.get();
        registry = new RegistryClient(berth);
        host = "127.0.0.1:" + berth.port();
        dir = Files.createTempDirectory("berth-docker-");
        Path socket = dir.resolve("docker.sock");
        dockerd = new ProcessBuilder("dockerd", "--storage-driver=vfs", "--iptables=false", "--ip6tables=false",
                "--bridge=none", "--host=unix://" + socket, "--data-root=" + dir.resolve("data"),
                "--exec-root=" + dir.resolve("exec"), "--pidfile=" + dir.resolve("docker.pid"))
                .redirectErrorStream(true).redirectOutput(dir.resolve("dockerd.log").toFile()).start();
        env = Map.of("DOCKER_HOST", "unix://" + socket, "DOCKER_CONFIG", dir.resolve("config").toString());
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (Commands.run(dir, TIMEOUT, env, "docker", "version").exitCode() != 0) {
            if (!dockerd.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("dockerd did not start:\n" + Files.readString(dir.resolve("dockerd.log")));
            }
            Thread.sleep(500);
        }
    }

    @AfterAll
    static void stopDocker() throws Exception {
        if (dockerd != null) {
            List<ProcessHandle> children = dockerd.descendants().toList();
            dockerd.destroy();
            if (!dockerd.waitFor(60, TimeUnit.SECONDS)) {
                dockerd.destroyForcibly();
            }
            children.forEach(ProcessHandle::destroy);
        }
        if (dir != null) {
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // vfs leaves read-only files now and then; the temp directory is harmless
            }
        }
    }

    @Test
    void loadTagPushRemovePullGivesTheSameImage() throws Exception {
        OciImageLayout source = OciImageLayout.create(dir.resolve("layout"));
        OciImageLayout.Blob image = source.image("amd64", 31, 2_000_000, 500_000, 50_000);
        source.tag(image, "v1");
        Path archive = dir.resolve("image.tar");
        Commands.ok(dir, TIMEOUT, "skopeo", "copy", "oci:" + source.root() + ":v1", "docker-archive:" + archive + ":clients/docker:v1");

        docker("load", "-i", archive.toString());
        String imageId = docker("image", "inspect", "--format", "{{.Id}}", "clients/docker:v1").trim();
        String remote = host + "/clients/docker:v1";
        docker("tag", "clients/docker:v1", remote);
        String push = docker("push", remote);
        Matcher pushed = Pattern.compile("digest: (sha256:[0-9a-f]{64})").matcher(push);
        assertThat(pushed.find()).as(push).isTrue();
        String manifestDigest = pushed.group(1);

        HttpResponse<byte[]> manifest = registry.get("/v2/clients/docker/manifests/v1",
                "Accept", "application/vnd.docker.distribution.manifest.v2+json");
        assertThat(RegistryClient.sha256(manifest.body())).isEqualTo(manifestDigest);

        docker("rmi", remote, "clients/docker:v1");
        assertThat(Commands.run(dir, TIMEOUT, env, "docker", "image", "inspect", remote).exitCode()).isNotZero();
        docker("pull", remote);
        assertThat(docker("image", "inspect", "--format", "{{.Id}}", remote).trim()).isEqualTo(imageId);
        assertThat(docker("image", "inspect", "--format", "{{json .RepoDigests}}", remote)).contains(manifestDigest);
    }

    private static String docker(String... args) throws IOException, InterruptedException {
        String[] command = new String[args.length + 1];
        command[0] = "docker";
        System.arraycopy(args, 0, command, 1, args.length);
        return Commands.ok(dir, TIMEOUT, env, command);
    }
}
