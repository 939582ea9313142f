package dev.berth.adapters.storage.distribution;

import dev.berth.application.port.DistributionStorage;
import dev.berth.domain.Digest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * A {@code registry:2} filesystem storage tree, as Distribution 2.x writes it below its
 * {@code rootdirectory}:
 * <pre>
 * docker/registry/v2/repositories/&lt;name&gt;/_layers/sha256/&lt;hex&gt;/link
 * docker/registry/v2/repositories/&lt;name&gt;/_manifests/revisions/sha256/&lt;hex&gt;/link
 * docker/registry/v2/repositories/&lt;name&gt;/_manifests/tags/&lt;tag&gt;/current/link
 * docker/registry/v2/blobs/sha256/&lt;first two hex&gt;/&lt;hex&gt;/data
 * </pre>
 * {@code _uploads} (unfinished pushes) is ignored. Paths are built from validated digests only;
 * names found in the tree are handed over as found.
 */
public final class DistributionDirectory implements DistributionStorage {

    private static final String V2 = "docker/registry/v2";

    private final Path v2;

    /** @param root Distribution's {@code rootdirectory}, or its {@code docker/registry/v2} directory itself */
    public DistributionDirectory(Path root) {
        Path absolute = root.toAbsolutePath().normalize();
        this.v2 = Files.isDirectory(absolute.resolve(V2)) ? absolute.resolve(V2) : absolute;
    }

    /** Whether {@code root} looks like a Distribution tree at all (it has repositories or blobs). */
    public boolean exists() {
        return Files.isDirectory(v2.resolve("repositories")) || Files.isDirectory(v2.resolve("blobs"));
    }

    @Override
    public String location() {
        return v2.toString();
    }

    @Override
    public List<String> repositories() throws IOException {
        Path repositories = v2.resolve("repositories");
        if (!Files.isDirectory(repositories)) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        Files.walkFileTree(repositories, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
                if (dir.getFileName().toString().startsWith("_")) {
                    // a repository's own data (_layers, _manifests, _uploads): no repository lies below it
                    return FileVisitResult.SKIP_SUBTREE;
                }
                if (!dir.equals(repositories) && Files.isDirectory(dir.resolve("_manifests")) || Files.isDirectory(dir.resolve("_layers"))) {
                    names.add(repositories.relativize(dir).toString().replace(dir.getFileSystem().getSeparator(), "/"));
                }
                return FileVisitResult.CONTINUE;
            }
        });
        names.sort(Comparator.naturalOrder());
        return names;
    }

    @Override
    public List<Link> layers(String repository) throws IOException {
        return digestLinks(repositoryDirectory(repository).resolve("_layers"));
    }

    @Override
    public List<Link> revisions(String repository) throws IOException {
        return digestLinks(repositoryDirectory(repository).resolve("_manifests/revisions"));
    }

    @Override
    public List<Link> tags(String repository) throws IOException {
        Path tags = repositoryDirectory(repository).resolve("_manifests/tags");
        List<Link> links = new ArrayList<>();
        for (Path tag : children(tags)) {
            links.add(new Link(tag.getFileName().toString(), linkTarget(tag.resolve("current/link"))));
        }
        return links;
    }

    @Override
    public OptionalLong size(Digest digest) throws IOException {
        try {
            return OptionalLong.of(Files.size(dataFile(digest)));
        } catch (NoSuchFileException e) {
            return OptionalLong.empty();
        }
    }

    @Override
    public InputStream open(Digest digest) throws IOException {
        return Files.newInputStream(dataFile(digest));
    }

    @Override
    public Optional<Path> file(Digest digest) {
        return Optional.of(dataFile(digest));
    }

    /** {@code <dir>/<algorithm>/<hex>/link} for each algorithm and hex directory. */
    private static List<Link> digestLinks(Path dir) throws IOException {
        List<Link> links = new ArrayList<>();
        for (Path algorithm : children(dir)) {
            for (Path hex : children(algorithm)) {
                links.add(new Link(algorithm.getFileName() + ":" + hex.getFileName(), linkTarget(hex.resolve("link"))));
            }
        }
        return links;
    }

    /** The subdirectories, in byte order; none when {@code dir} does not exist. */
    private static List<Path> children(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(dir)) {
            return list.filter(Files::isDirectory).sorted().toList();
        }
    }

    private static Optional<String> linkTarget(Path link) {
        try {
            return Optional.of(Files.readString(link, StandardCharsets.UTF_8).strip());
        } catch (IOException | UncheckedIOException e) {
            // missing, unreadable or not text: the importer reports it as a broken link
            return Optional.empty();
        }
    }

    private Path repositoryDirectory(String repository) {
        Path dir = v2.resolve("repositories").resolve(repository).normalize();
        if (!dir.startsWith(v2.resolve("repositories"))) {
            throw new IllegalArgumentException("not a repository of the tree: " + repository);
        }
        return dir;
    }

    private Path dataFile(Digest digest) {
        return v2.resolve("blobs").resolve(digest.algorithm().id()).resolve(digest.hex().substring(0, 2))
                .resolve(digest.hex()).resolve("data");
    }
}
