package dev.berth.deploy.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private Docker engine (Debian's dockerd on a socket of its own, vfs storage, no networking of
 * its own) and its client configuration directory, for the tests that drive Berth with docker.
 */
final class DockerDaemon implements AutoCloseable {

    static final Duration TIMEOUT = Duration.ofMinutes(5);

    private final Path dir;
    private final Process dockerd;
    private final Map<String, String> env;

    private DockerDaemon(Path dir, Process dockerd, Map<String, String> env) {
        this.dir = dir;
        this.dockerd = dockerd;
        this.env = env;
    }

    static DockerDaemon start() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("berth-docker-");
        Path socket = dir.resolve("docker.sock");
        Process dockerd = new ProcessBuilder("dockerd", "--storage-driver=vfs", "--iptables=false", "--ip6tables=false",
                "--bridge=none", "--host=unix://" + socket, "--data-root=" + dir.resolve("data"),
                "--exec-root=" + dir.resolve("exec"), "--pidfile=" + dir.resolve("docker.pid"))
                .redirectErrorStream(true).redirectOutput(dir.resolve("dockerd.log").toFile()).start();
        Map<String, String> env = Map.of("DOCKER_HOST", "unix://" + socket, "DOCKER_CONFIG", dir.resolve("config").toString());
        DockerDaemon daemon = new DockerDaemon(dir, dockerd, env);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (daemon.run("version").exitCode() != 0) {
            if (!dockerd.isAlive() || System.nanoTime() > deadline) {
                daemon.close();
                throw new AssertionError("dockerd did not start:\n" + Files.readString(dir.resolve("dockerd.log")));
            }
            Thread.sleep(500);
        }
        return daemon;
    }

    Path dir() {
        return dir;
    }

    /** Runs docker; its exit code and output, whatever they are. */
    Commands.Result run(String... args) throws IOException, InterruptedException {
        return Commands.run(dir, TIMEOUT, env, docker(args));
    }

    /** Runs docker and fails the test unless it succeeds; its output. */
    String ok(String... args) throws IOException, InterruptedException {
        return Commands.ok(dir, TIMEOUT, env, docker(args));
    }

    /** docker login with the password on stdin, as a pipeline would. */
    Commands.Result login(String host, String user, String password) throws IOException, InterruptedException {
        Path passwordFile = Files.writeString(dir.resolve("password"), password);
        try {
            return Commands.run(dir, TIMEOUT, env, "sh", "-c",
                    "docker login --username '" + user + "' --password-stdin '" + host + "' < '" + passwordFile + "'");
        } finally {
            Files.delete(passwordFile);
        }
    }

    /** An image of a few layers in the engine, tagged {@code tag}, loaded from a generated OCI layout. */
    void loadImage(String tag, long seed) throws IOException, InterruptedException {
        OciImageLayout source = OciImageLayout.create(dir.resolve("layout-" + seed));
        OciImageLayout.Blob image = source.image("amd64", seed, 300_000, 50_000);
        source.tag(image, "v1");
        Path archive = dir.resolve("image-" + seed + ".tar");
        Commands.ok(dir, TIMEOUT, "skopeo", "copy", "oci:" + source.root() + ":v1", "docker-archive:" + archive + ":" + tag);
        ok("load", "-i", archive.toString());
    }

    private static String[] docker(String... args) {
        String[] command = new String[args.length + 1];
        command[0] = "docker";
        System.arraycopy(args, 0, command, 1, args.length);
        return command;
    }

    @Override
    public void close() throws InterruptedException {
        List<ProcessHandle> children = dockerd.descendants().toList();
        dockerd.destroy();
        if (!dockerd.waitFor(60, TimeUnit.SECONDS)) {
            dockerd.destroyForcibly();
        }
        children.forEach(ProcessHandle::destroy);
        unmountWhatDockerdLeft();
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // vfs leaves read-only files now and then; the temp directory is harmless
        }
    }

    /** dockerd leaves its network namespace file mounted under its exec root after it stops. */
    private void unmountWhatDockerdLeft() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
                String[] fields = line.split(" ");
                if (fields.length > 1 && fields[1].startsWith(dir.toString())) {
                    new ProcessBuilder("umount", fields[1]).inheritIO().start().waitFor(30, TimeUnit.SECONDS);
                }
            }
        } catch (IOException e) {
            // nothing to unmount can be read: the directory stays, harmlessly
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
