package dev.berth.deploy.launcher;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

class DataDirectoryTest {

    @TempDir
    Path work;

    @Test
    void aNewDataDirectoryIsOwnerOnlyAndAnOpenOneIsNarrowed() throws IOException {
        Path data = work.resolve("berth-data");
        Path run = DataDirectory.prepare(data, false);
        assertThat(run).isEqualTo(data.resolve("run"));
        assertThat(mode(data)).isEqualTo("rwx------");
        assertThat(mode(run)).isEqualTo("rwx------");

        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwxrwxrwx"));
        DataDirectory.prepare(data, false);
        assertThat(mode(data)).isEqualTo("rwx------");
        assertThat(mode(run)).isEqualTo("rwx------");
    }

    @Test
    void aSharedStoreKeepsGroupReadButNeverGainsIt() throws IOException {
        Path data = Files.createDirectory(work.resolve("shared"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxrwxr-x")));
        DataDirectory.prepare(data, true);
        assertThat(mode(data)).isEqualTo("rwxr-x---");
        assertThat(mode(data.resolve("run"))).isEqualTo("rwx------");

        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwx------"));
        DataDirectory.prepare(data, true);
        assertThat(mode(data)).as("never widened").isEqualTo("rwx------");
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
