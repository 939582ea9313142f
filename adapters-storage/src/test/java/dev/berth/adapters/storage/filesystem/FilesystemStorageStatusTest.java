package dev.berth.adapters.storage.filesystem;

import dev.berth.application.system.StorageStatus.StorageReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class FilesystemStorageStatusTest {

    @Test
    void createsMissingRootAndLeavesNoProbeBehind(@TempDir Path dir) throws IOException {
        Path root = dir.resolve("a/b/registry");

        StorageReport report = new FilesystemStorageStatus(root).report();

        assertThat(report.writable()).isTrue();
        assertThat(report.location()).isEqualTo(root.toString());
        try (var files = Files.list(root)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void notWritableWhenRootIsAFile(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("not-a-directory"), "x");

        StorageReport report = new FilesystemStorageStatus(file).report();

        assertThat(report.writable()).isFalse();
        assertThat(report.problem()).isNotBlank();
    }
}
