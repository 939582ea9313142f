package dev.berth.adapters.db;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * The PostgreSQL binaries zonky extracts under Berth's data directory ({@code PG-<md5>/}). zonky
 * writes them without fsync and then its {@code .exists} marker, so after a power loss the marker
 * may say "ready" over empty files. Berth therefore seals an extraction once it has run: every
 * file and directory fsynced, then a list of each file's size and SHA-256 written durably. At
 * every start an extraction whose seal is missing or does not match is removed, and zonky
 * extracts it again.
 */
final class PostgresBinaries {

    private static final Logger LOG = Logger.getLogger(PostgresBinaries.class.getName());
    static final String SEAL = ".berth-sealed";
    /** zonky's own files in an extraction: its marker and its unpack lock. */
    private static final List<String> NOT_SEALED = List.of(SEAL, ".exists", "epg-lock");

    private PostgresBinaries() {
    }

    /** Removes every extraction under {@code binariesDirectory} that is not sealed or no longer matches its seal. */
    static void discardBroken(Path binariesDirectory) throws IOException {
        for (Path extraction : extractions(binariesDirectory)) {
            String problem = problem(extraction);
            if (problem != null) {
                LOG.warning(() -> "PostgreSQL binaries in " + extraction + " are not intact (" + problem
                        + "); extracting them again");
                deleteRecursively(extraction);
            } else {
                trusted(extraction);
            }
        }
    }

    /**
     * zonky uses an extraction only while its marker is the newest file in it, and unpacks it again
     * otherwise: the seal, written after the marker, made every other start unpack the xz archive
     * again (seconds of CPU). A sealed, intact extraction gets its marker renewed.
     */
    private static void trusted(Path extraction) throws IOException {
        Path marker = extraction.resolve(".exists");
        if (!Files.isRegularFile(marker)) {
            return;
        }
        FileTime newest;
        try (Stream<Path> children = Files.list(extraction)) {
            // the directory too: zonky compares the marker with it (renaming the seal into it touched it)
            newest = Stream.concat(Stream.of(extraction), children.filter(p -> !p.equals(marker)))
                    .map(PostgresBinaries::modified).max(Comparator.naturalOrder()).orElseThrow();
        }
        if (Files.getLastModifiedTime(marker).compareTo(newest) <= 0) {
            Files.setLastModifiedTime(marker, FileTime.fromMillis(Math.max(System.currentTimeMillis(),
                    newest.toMillis() + 1000)));
        }
    }

    private static FileTime modified(Path path) {
        try {
            return Files.getLastModifiedTime(path);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    /** Fsyncs every extraction that has no seal yet and seals it. Call once PostgreSQL ran from it. */
    static void seal(Path binariesDirectory) throws IOException {
        for (Path extraction : extractions(binariesDirectory)) {
            if (Files.exists(extraction.resolve(SEAL))) {
                continue;
            }
            List<String> lines = new ArrayList<>();
            for (Path file : sealedFiles(extraction)) {
                fsync(file);
                lines.add(sha256(file) + " " + Files.size(file) + " " + relative(extraction, file));
            }
            try (Stream<Path> paths = Files.walk(extraction)) {
                for (Path directory : paths.filter(Files::isDirectory).toList()) {
                    fsync(directory);
                }
            }
            Path temporary = extraction.resolve(SEAL + ".tmp");
            Files.write(temporary, lines, StandardCharsets.UTF_8);
            fsync(temporary);
            Files.move(temporary, extraction.resolve(SEAL), StandardCopyOption.ATOMIC_MOVE);
            trusted(extraction);
            fsync(extraction);
            fsync(binariesDirectory);
        }
    }

    /** @return why the extraction cannot be trusted, or null when it matches its seal */
    static String problem(Path extraction) throws IOException {
        Path seal = extraction.resolve(SEAL);
        if (!Files.isRegularFile(seal)) {
            return "no seal";
        }
        List<String> lines = Files.readAllLines(seal, StandardCharsets.UTF_8);
        if (lines.isEmpty()) {
            return "empty seal";
        }
        for (String line : lines) {
            String[] parts = line.split(" ", 3);
            if (parts.length != 3) {
                return "unreadable seal";
            }
            Path file = extraction.resolve(parts[2]).normalize();
            if (!file.startsWith(extraction) || !Files.isRegularFile(file)) {
                return parts[2] + " is missing";
            }
            if (Files.size(file) != Long.parseLong(parts[1])) {
                return parts[2] + " has " + Files.size(file) + " bytes, not " + parts[1];
            }
            if (!sha256(file).equals(parts[0])) {
                return parts[2] + " has other content";
            }
        }
        return null;
    }

    static List<Path> extractions(Path binariesDirectory) throws IOException {
        if (!Files.isDirectory(binariesDirectory)) {
            return List.of();
        }
        try (Stream<Path> children = Files.list(binariesDirectory)) {
            return children.filter(p -> p.getFileName().toString().startsWith("PG-") && Files.isDirectory(p)).toList();
        }
    }

    private static List<Path> sealedFiles(Path extraction) throws IOException {
        try (Stream<Path> paths = Files.walk(extraction)) {
            return paths.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                    .filter(p -> !(p.getParent().equals(extraction)
                            && NOT_SEALED.contains(p.getFileName().toString())))
                    .filter(p -> !p.getFileName().toString().equals(SEAL + ".tmp"))
                    .sorted()
                    .toList();
        }
    }

    private static String relative(Path extraction, Path file) {
        return extraction.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
    }

    private static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Files and directories alike: a directory's entries are durable only once it is fsynced. */
    static void fsync(Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private static void deleteRecursively(Path directory) throws IOException {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
