package dev.berth.deploy.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A private containerd (Debian's, started by the test) and its {@code ctr} client: its own root,
 * state and socket under {@code dir}, no CRI plugin, no TCP listener at all (gRPC on a Unix socket,
 * debug and metrics off). Images are unpacked with the native snapshotter, which needs no kernel
 * support. Stopped by its PID.
 */
final class Containerd implements AutoCloseable {

    static final Duration TIMEOUT = Duration.ofMinutes(5);

    private final Path dir;
    private final Process containerd;

    private Containerd(Path dir, Process containerd) {
        this.dir = dir;
        this.containerd = containerd;
    }

    /** @param dir emptied first: a fresh content store and metadata, whatever an earlier run left */
    static Containerd start(Path dir) throws IOException, InterruptedException {
        WorkDirectories.deleteQuietly(dir);
        Files.createDirectories(dir);
        Path config = Files.writeString(dir.resolve("config.toml"), """
                version = 2
                root = "%1$s/root"
                state = "%1$s/state"
                disabled_plugins = ["io.containerd.grpc.v1.cri"]
                [grpc]
                  address = "%1$s/containerd.sock"
                [ttrpc]
                  address = "%1$s/containerd.sock.ttrpc"
                [debug]
                  address = ""
                [metrics]
                  address = ""
                """.formatted(dir));
        Process process = new ProcessBuilder("containerd", "--config", config.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("containerd.log").toFile()).start();
        Containerd containerd = new Containerd(dir, process);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (containerd.run("default", "version").exitCode() != 0) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                containerd.close();
                throw new AssertionError("containerd did not start:\n" + Files.readString(dir.resolve("containerd.log")));
            }
            Thread.sleep(200);
        }
        return containerd;
    }

    /** Runs {@code ctr} in {@code namespace}; its exit code and output, whatever they are. */
    Commands.Result run(String namespace, String... args) throws IOException, InterruptedException {
        return Commands.run(dir, TIMEOUT, Map.of(), ctr(namespace, args));
    }

    /** Runs {@code ctr} in {@code namespace} and fails the test unless it succeeds; its output. */
    String ok(String namespace, String... args) throws IOException, InterruptedException {
        return Commands.ok(dir, TIMEOUT, ctr(namespace, args));
    }

    /**
     * Imports the layout's image tagged {@code tag} into {@code namespace} as {@code name:tag}
     * (ctr reads OCI layouts as tar archives), without unpacking it: it is there to be pushed.
     */
    void importImage(String namespace, OciImageLayout layout, String name) throws IOException, InterruptedException {
        Path archive = dir.resolve("import-" + System.nanoTime() + ".tar");
        Commands.ok(dir, TIMEOUT, "tar", "-C", layout.root().toString(), "-cf", archive.toString(), ".");
        ok(namespace, "images", "import", "--no-unpack", "--base-name", name, archive.toString());
        Files.delete(archive);
    }

    private String[] ctr(String namespace, String... args) {
        return AuthBerth.with(new String[]{"ctr", "--address", dir.resolve("containerd.sock").toString(),
                "--namespace", namespace}, args);
    }

    @Override
    public void close() throws InterruptedException {
        containerd.destroy();
        if (!containerd.waitFor(60, TimeUnit.SECONDS)) {
            containerd.destroyForcibly();
            containerd.waitFor(60, TimeUnit.SECONDS);
        }
    }
}
