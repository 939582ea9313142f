package dev.berth.deploy.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The embedded PostgreSQL's binaries as the first Berth of the run unpacked and sealed them, hard-linked
 * into every later Berth's fresh data directory: unpacking the xz archive again cost each of the
 * suite's forty-odd boots seconds of CPU. Berth checks the seal at start as always (and would unpack
 * again over anything broken); nothing in the binaries is written to, so the links are never changed
 * through another test's directory.
 */
final class PostgresBinariesTemplate {

    private static final Path TEMPLATE = Path.of("target", "postgres-binaries").toAbsolutePath();
    /** Where Berth unpacks them, under its data directory (RunningDatabase). */
    private static final String UNPACKED = "run/postgres-binaries";
    /** Written by Berth once PostgreSQL has run from an extraction (PostgresBinaries). */
    private static final String SEAL = ".berth-sealed";

    private PostgresBinariesTemplate() {
    }

    /** The data directory a Berth started in {@code work} with {@code env} uses. */
    static Path dataDirectory(Path work, Map<String, String> env) {
        String configured = env.get("REGISTRY_DATA_DIRECTORY");
        return configured == null ? work.resolve("berth-data") : work.resolve(configured);
    }

    /** Before a start: the template, if there is one yet, into a data directory that has no binaries. */
    static void seed(Path dataDirectory) throws IOException {
        Path target = dataDirectory.resolve(UNPACKED);
        if (Files.isDirectory(TEMPLATE) && !Files.exists(target)) {
            Files.createDirectories(target.getParent());
            Path partial = Files.createTempDirectory(target.getParent(), "binaries-");
            link(TEMPLATE, partial);
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    /** Once a Berth serves: its sealed binaries become the template, if none is there yet. */
    static void keep(Path dataDirectory) {
        Path unpacked = dataDirectory.resolve(UNPACKED);
        try (Stream<Path> extractions = Files.isDirectory(unpacked) ? Files.list(unpacked) : Stream.empty()) {
            if (Files.isDirectory(TEMPLATE) || extractions.noneMatch(e -> Files.exists(e.resolve(SEAL)))) {
                return;
            }
            Path partial = Files.createTempDirectory(TEMPLATE.getParent(), "postgres-binaries-");
            link(unpacked, partial);
            try {
                Files.move(partial, TEMPLATE, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException anotherTestWasFirst) {
                WorkDirectories.deleteQuietly(partial);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code from}'s tree again under {@code to}: directories made, files hard-linked, symbolic links copied. */
    private static void link(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                Path copy = to.resolve(from.relativize(path).toString());
                if (Files.isSymbolicLink(path)) {
                    Files.createSymbolicLink(copy, Files.readSymbolicLink(path));
                } else if (Files.isDirectory(path)) {
                    Files.createDirectories(copy);
                } else {
                    Files.createLink(copy, path);
                }
            }
        }
    }
}
