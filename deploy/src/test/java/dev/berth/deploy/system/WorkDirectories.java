package dev.berth.deploy.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** The system tests' working directories under target/. */
final class WorkDirectories {

    private WorkDirectories() {
    }

    /** Removes {@code directory} and everything in it, if there; what cannot be removed stays. */
    static void deleteQuietly(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // leftovers of an earlier run are harmless
        }
    }
}
