package dev.berth.adapters.storage.filesystem;

import dev.berth.application.system.StorageStatus;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reports whether the filesystem driver's root directory exists and accepts writes. */
public final class FilesystemStorageStatus implements StorageStatus {

    private final Path root;

    public FilesystemStorageStatus(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    @Override
    public StorageReport report() {
        try {
            Files.createDirectories(root);
            // a real write proves more than Files.isWritable (read-only mounts, full disks, quotas)
            Path probe = Files.createTempFile(root, ".health-", ".probe");
            Files.delete(probe);
            return new StorageReport("filesystem", root.toString(), true, null);
        } catch (IOException | SecurityException e) {
            return new StorageReport("filesystem", root.toString(), false,
                    e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }
}
