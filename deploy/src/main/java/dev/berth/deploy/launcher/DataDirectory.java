package dev.berth.deploy.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Berth's data directory holds the embedded database, the blobs, TLS keys and the initial admin
 * password: it is created owner-only (0700), and an existing one that lets in more is narrowed at
 * start, never widened. A store shared with a group on purpose ({@code storage.filesystem.shared})
 * keeps group read and search (0750).
 */
final class DataDirectory {

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> GROUP_READ = PosixFilePermissions.fromString("rwxr-x---");

    private DataDirectory() {
    }

    /** Creates or narrows {@code data} and its {@code run/} directory; returns {@code run/}. */
    static Path prepare(Path data, boolean sharedWithGroup) throws IOException {
        Set<PosixFilePermission> allowed = sharedWithGroup ? GROUP_READ : OWNER_ONLY;
        createOrNarrow(data, allowed);
        Path run = data.resolve("run");
        createOrNarrow(run, OWNER_ONLY); // Payara's files, pre-boot commands, the database binaries
        return run;
    }

    private static void createOrNarrow(Path directory, Set<PosixFilePermission> allowed) throws IOException {
        if (!Files.exists(directory)) {
            Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(allowed));
            return;
        }
        Set<PosixFilePermission> current = Files.getPosixFilePermissions(directory);
        if (allowed.containsAll(current)) {
            return;
        }
        Set<PosixFilePermission> narrowed = EnumSet.noneOf(PosixFilePermission.class);
        narrowed.addAll(current);
        narrowed.retainAll(allowed);
        Files.setPosixFilePermissions(directory, narrowed);
        System.err.println("berth: " + directory + " was " + PosixFilePermissions.toString(current) + ", now "
                + PosixFilePermissions.toString(narrowed) + ": Berth's data is for its own user only"
                + " (storage.filesystem.shared: true lets its group read)");
    }

    /** Removes {@code directory} and everything under it; nothing when it does not exist. */
    static void deleteRecursively(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
