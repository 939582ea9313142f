package dev.berth.adapters.storage.testserver;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Azurite, Microsoft's Azure Storage emulator (npm package {@code azurite}), started as a process on
 * 127.0.0.1, a free port and a fresh temporary directory, and stopped by its PID. It is found at the
 * system property or environment variable {@code BERTH_AZURITE}, else at
 * {@code .ci/tools/node_modules/.bin/azurite-blob} in this or a parent directory, where
 * {@code .ci/run} installs it.
 */
public final class Azurite implements AutoCloseable {

    /** Azurite's well-known development account, published in its documentation. */
    public static final String ACCOUNT = "devstoreaccount1";
    public static final String KEY =
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static final String INSTALL = ".ci/tools/node_modules/.bin/azurite-blob";

    private final Process process;
    private final Path location;
    private final int port;

    private Azurite(Process process, Path location, int port) {
        this.process = process;
        this.location = location;
        this.port = port;
    }

    public static Azurite start() throws IOException, InterruptedException {
        Path executable = executable();
        Path location = Files.createTempDirectory("azurite");
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Process process = new ProcessBuilder(executable.toString(), "--blobHost", "127.0.0.1",
                "--blobPort", Integer.toString(port), "--location", location.toString(),
                "--skipApiVersionCheck", "--loose", "--silent")
                .redirectErrorStream(true)
                .redirectOutput(location.resolve("azurite.out").toFile())
                .start();
        Azurite azurite = new Azurite(process, location, port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!azurite.accepts()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                String output = Files.readString(location.resolve("azurite.out"));
                azurite.close();
                throw new IllegalStateException("Azurite did not start on port " + port + ": " + output);
            }
            Thread.sleep(100);
        }
        return azurite;
    }

    /** The Blob service URL of the development account. */
    public URI serviceUrl() {
        return URI.create("http://127.0.0.1:" + port + "/" + ACCOUNT);
    }

    public long pid() {
        return process.pid();
    }

    private boolean accepts() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static Path executable() {
        String configured = System.getProperty("BERTH_AZURITE", System.getenv("BERTH_AZURITE"));
        if (configured != null) {
            return Path.of(configured);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(INSTALL);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("Azurite is not installed: run `npm install --no-save --prefix .ci/tools "
                + "azurite@3.37.0` in the repository (as .ci/run does) or set BERTH_AZURITE to azurite-blob");
    }

    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(15, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(location)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }
}
