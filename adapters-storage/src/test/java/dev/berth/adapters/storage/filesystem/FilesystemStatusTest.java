package dev.berth.adapters.storage.filesystem;

import dev.berth.application.system.BlobStoreStatus;
import dev.berth.application.system.StorageStatus.StorageReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The generic storage health probe, on the driver whose failures an operator meets most: a disk. */
class FilesystemStatusTest {

    @Test
    void createsMissingRootAndLeavesNoProbeBehind(@TempDir Path dir) throws IOException {
        Path root = dir.resolve("a/b/registry");

        StorageReport report = new BlobStoreStatus(new FilesystemBlobStore(root)).report();

        assertThat(report.writable()).isTrue();
        assertThat(report.driver()).isEqualTo("filesystem");
        assertThat(report.location()).isEqualTo(root.toString());
        try (Stream<Path> files = Files.walk(root)) {
            assertThat(files.filter(Files::isRegularFile)).isEmpty();
        }
    }

    @Test
    void notWritableWhenRootIsAFile(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("not-a-directory"), "x");

        StorageReport report = new BlobStoreStatus(new FilesystemBlobStore(file)).report();

        assertThat(report.writable()).isFalse();
        assertThat(report.problem()).isNotBlank();
    }
}
