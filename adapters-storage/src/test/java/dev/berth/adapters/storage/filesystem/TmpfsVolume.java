package dev.berth.adapters.storage.filesystem;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A small tmpfs of its own for each test, to fill up or to turn read-only: what a driver meets on a
 * real disk, and what {@code chmod} cannot fake for root (the tests run as root here and in CI).
 * Mounting needs root: elsewhere the test is skipped, saying so.
 * <pre>{@code @RegisterExtension final TmpfsVolume volume = new TmpfsVolume(4L << 20);}</pre>
 */
final class TmpfsVolume implements BeforeEachCallback, AfterEachCallback {

    private final long size;
    private Path path;
    private boolean mounted;

    TmpfsVolume(long size) {
        this.size = size;
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        path = Files.createTempDirectory("berth-volume");
        mounted = run("mount", "-t", "tmpfs", "-o", "size=" + size, "berth-test-volume", path.toString()) == 0;
        assumeTrue(mounted, "mounting a tmpfs needs root");
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        if (mounted) {
            run("umount", path.toString());
        }
        Files.deleteIfExists(path);
    }

    /** Where the volume is mounted. */
    Path path() {
        return path;
    }

    /** Remounts the volume read-only or read-write again, keeping its files. */
    void remount(boolean readOnly) throws IOException, InterruptedException {
        int exit = run("mount", "-o", "remount," + (readOnly ? "ro" : "rw"), path.toString());
        if (exit != 0) {
            throw new IOException("cannot remount " + path + (readOnly ? " read-only" : " read-write") + ": exit " + exit);
        }
    }

    private static int run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();
        return process.waitFor();
    }
}
