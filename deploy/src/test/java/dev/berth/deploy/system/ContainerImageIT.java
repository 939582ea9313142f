package dev.berth.deploy.system;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Berth's container image (deploy/target/berth-image.tar, built by Jib on a base made from Debian's
 * packages) run in Debian's Docker engine the way registry:2 is run: {@code docker run -d
 * --restart=always --name …}, registry:2's own config.yml mounted at Distribution's path (no auth
 * section: logins required), an anonymous push refused, {@code docker login} as the generated admin, images
 * pushed and pulled with docker, the main process killed (Docker starts it again, nothing lost),
 * {@code docker container stop} (the embedded PostgreSQL shut down cleanly) and {@code docker
 * container rm -v}. The engine here has no bridge network (the sandbox allows no iptables), so the
 * container shares the host's network and listens on a free loopback port given by
 * REGISTRY_HTTP_ADDR; the README shows the {@code -p 5000:5000} form.
 */
class ContainerImageIT {

    /** The config.yml the registry:2 image ships at /etc/docker/registry/config.yml. */
    private static final String REGISTRY2_CONFIG = """
            version: 0.1
            log:
              fields:
                service: registry
            storage:
              cache:
                blobdescriptor: inmemory
              filesystem:
                rootdirectory: /var/lib/registry
            http:
              addr: :5000
              headers:
                X-Content-Type-Options: [nosniff]
            health:
              storagedriver:
                enabled: true
                interval: 10s
                threshold: 3
            """;
    private static final Duration BOOT = Duration.ofMinutes(4);

    @TempDir
    Path work;

    @Test
    void runsLikeRegistry2RestartsWhenKilledStopsCleanlyAndIsRemovedWithItsVolume() throws Exception {
        Path image = Path.of(System.getProperty("berth.image", "missing"));
        assertThat(image).as("built by the deploy module's jib execution").exists();
        try (DockerDaemon docker = DockerDaemon.start()) {
            String tag = docker.ok("load", "-i", image.toString()).lines().filter(l -> l.startsWith("Loaded image: "))
                    .map(l -> l.substring("Loaded image: ".length()).strip()).findFirst().orElseThrow();
            assertThat(docker.ok("image", "inspect", "-f",
                    "{{.Config.User}} {{json .Config.ExposedPorts}} {{json .Config.Volumes}} {{json .Config.Cmd}}", tag).strip())
                    .isEqualTo("1000:1000 {\"5000/tcp\":{}} {\"/var/lib/berth\":{}} [\"serve\",\"/etc/docker/registry/config.yml\"]");
            // the AOT cache trained at build time maps with the image's runtime and jar: AOTMode=on refuses it otherwise
            assertThat(docker.ok("image", "inspect", "-f", "{{json .Config.Entrypoint}}", tag).strip()).isEqualTo(
                    "[\"/opt/java/bin/java\",\"-XX:AOTCache=/opt/berth/berth.aot\",\"-jar\",\"/opt/berth/berth.jar\"]");
            assertThat(docker.ok("run", "--rm", "--network", "none", "--entrypoint", "/opt/java/bin/java", tag,
                    "-XX:AOTCache=/opt/berth/berth.aot", "-XX:AOTMode=on", "-jar", "/opt/berth/berth.jar",
                    "--help")).contains("Usage: java -jar berth.jar");

            Path config = Files.writeString(work.resolve("config.yml"), REGISTRY2_CONFIG);
            Path blobs = Files.createDirectories(work.resolve("registry"));
            Files.setAttribute(blobs, "unix:uid", 1000);
            Files.setAttribute(blobs, "unix:gid", 1000);
            int port = BerthProcess.freePort();
            String host = "127.0.0.1:" + port;
            // --read-only --tmpfs /tmp: as deploy/kubernetes runs it (readOnlyRootFilesystem, an emptyDir on /tmp)
            docker.ok("run", "-d", "--network", "host", "--restart=always", "--name", "berth",
                    "--read-only", "--tmpfs", "/tmp",
                    "-e", "REGISTRY_HTTP_ADDR=" + host,
                    "-v", config + ":/etc/docker/registry/config.yml:ro",
                    "-v", blobs + ":/var/lib/registry",
                    "--health-cmd", "java -jar /opt/berth/berth.jar health serve /etc/docker/registry/config.yml",
                    "--health-interval", "5s", "--health-start-period", "2m",
                    tag);
            awaitHealthy(docker);

            docker.loadImage("source:v1", 51);
            String imageId = docker.ok("image", "inspect", "-f", "{{.Id}}", "source:v1").strip();
            docker.ok("tag", "source:v1", host + "/team/app:v1");
            // registry:2's config.yml has no auth section: Berth requires logins, as the README's migration notes say
            Commands.Result anonymous = docker.run("push", host + "/team/app:v1");
            assertThat(anonymous.exitCode()).as(anonymous.output()).isNotZero();
            assertThat(anonymous.output()).containsAnyOf("no basic auth credentials", "unauthorized");
            // deployment.md's steps: the generated password copied out of the container (the image has no cat),
            // then docker login as admin
            docker.ok("cp", "berth:/var/lib/berth/initial-admin-password", work.toString());
            String password = Files.readString(work.resolve("initial-admin-password")).strip();
            Commands.Result login = docker.login(host, "admin", password);
            assertThat(login.exitCode()).as(login.output()).isZero();
            docker.ok("push", host + "/team/app:v1");
            try (Stream<Path> files = Files.walk(blobs)) {
                assertThat(files.filter(Files::isRegularFile).count())
                        .as("blobs land in registry:2's storage.filesystem.rootdirectory, the mounted volume")
                        .isGreaterThanOrEqualTo(3);
            }
            pullsBack(docker, host, imageId);

            long pid = Long.parseLong(docker.ok("inspect", "-f", "{{.State.Pid}}", "berth").strip());
            ProcessHandle.of(pid).orElseThrow().destroyForcibly();
            awaitRestarted(docker);
            awaitHealthy(docker);
            pullsBack(docker, host, imageId);

            Path volume = Path.of(docker.ok("inspect", "-f",
                    "{{range .Mounts}}{{if eq .Destination \"/var/lib/berth\"}}{{.Source}}{{end}}{{end}}", "berth").strip());
            assertThat(volume.resolve("postgres")).isDirectory();
            docker.ok("container", "stop", "--time", "60", "berth");
            assertThat(docker.ok("inspect", "-f", "{{.State.ExitCode}}", "berth").strip())
                    .as("SIGTERM: Berth stops and exits 143").isEqualTo("143");
            assertThat(volume.resolve("postgres/postmaster.pid"))
                    .as("the embedded PostgreSQL was shut down, not left for recovery").doesNotExist();

            docker.ok("container", "rm", "-v", "berth");
            assertThat(docker.ok("ps", "-aq").strip()).isEmpty();
            assertThat(docker.ok("volume", "ls", "-q").strip()).isEmpty();
            assertThat(volume).doesNotExist();
        }
    }

    private static void pullsBack(DockerDaemon docker, String host, String imageId) throws Exception {
        docker.ok("image", "rm", "source:v1", host + "/team/app:v1");
        docker.ok("pull", host + "/team/app:v1");
        assertThat(docker.ok("image", "inspect", "-f", "{{.Id}}", host + "/team/app:v1").strip()).isEqualTo(imageId);
        docker.ok("tag", host + "/team/app:v1", "source:v1");
    }

    private static void awaitHealthy(DockerDaemon docker) throws Exception {
        long deadline = System.nanoTime() + BOOT.toNanos();
        String state = "";
        while (System.nanoTime() < deadline) {
            state = docker.ok("inspect", "-f", "{{.State.Status}} {{.State.Health.Status}}", "berth").strip();
            if (state.equals("running healthy")) {
                return;
            }
            Thread.sleep(1000);
        }
        throw new AssertionError("not healthy within " + BOOT + " (" + state + "):\n" + docker.run("logs", "berth").output());
    }

    private static void awaitRestarted(DockerDaemon docker) throws Exception {
        long deadline = System.nanoTime() + BOOT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!docker.ok("inspect", "-f", "{{.RestartCount}}", "berth").strip().equals("0")) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("Docker did not restart the killed container within " + BOOT);
    }
}
