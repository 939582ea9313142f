package dev.berth.application.fake;

import dev.berth.application.port.DistributionStorage;
import dev.berth.domain.Digest;
import dev.berth.domain.DigestAlgorithm;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;

/** A registry:2 storage tree in memory: repositories with their link files, and blobs by digest. */
public final class InMemoryDistributionStorage implements DistributionStorage {

    private final Map<String, Repository> repositories = new TreeMap<>();
    private final Map<Digest, byte[]> blobs = new HashMap<>();

    private record Repository(List<Link> layers, List<Link> revisions, List<Link> tags) {
    }

    /** Stores the content in {@code blobs/} and returns its digest. */
    public Digest blob(byte[] content) {
        Digest digest = Digest.of(DigestAlgorithm.SHA256, content);
        blobs.put(digest, content.clone());
        return digest;
    }

    /** Stores {@code content} under a digest that is not its own (a corrupt file). */
    public void corruptBlob(Digest digest, byte[] content) {
        blobs.put(digest, content.clone());
    }

    public void removeBlob(Digest digest) {
        blobs.remove(digest);
    }

    public InMemoryDistributionStorage layer(String repository, Digest digest) {
        repository(repository).layers().add(new Link(digest.toString(), Optional.of(digest.toString())));
        return this;
    }

    public InMemoryDistributionStorage revision(String repository, Digest digest) {
        repository(repository).revisions().add(new Link(digest.toString(), Optional.of(digest.toString())));
        return this;
    }

    public InMemoryDistributionStorage tag(String repository, String tag, Digest digest) {
        return tagLink(repository, tag, Optional.of(digest.toString()));
    }

    /** A tag whose current/link holds {@code target} (or is missing). */
    public InMemoryDistributionStorage tagLink(String repository, String tag, Optional<String> target) {
        repository(repository).tags().add(new Link(tag, target));
        return this;
    }

    /** A {@code _layers} link whose file holds {@code target} (or is missing). */
    public InMemoryDistributionStorage layerLink(String repository, String name, Optional<String> target) {
        repository(repository).layers().add(new Link(name, target));
        return this;
    }

    private Repository repository(String name) {
        return repositories.computeIfAbsent(name, n -> new Repository(new ArrayList<>(), new ArrayList<>(), new ArrayList<>()));
    }

    @Override
    public String location() {
        return "memory:/registry";
    }

    @Override
    public List<String> repositories() {
        return List.copyOf(repositories.keySet());
    }

    @Override
    public List<Link> layers(String repository) {
        return List.copyOf(repository(repository).layers());
    }

    @Override
    public List<Link> revisions(String repository) {
        return List.copyOf(repository(repository).revisions());
    }

    @Override
    public List<Link> tags(String repository) {
        return List.copyOf(repository(repository).tags());
    }

    @Override
    public OptionalLong size(Digest digest) {
        byte[] content = blobs.get(digest);
        return content == null ? OptionalLong.empty() : OptionalLong.of(content.length);
    }

    @Override
    public InputStream open(Digest digest) throws IOException {
        byte[] content = blobs.get(digest);
        if (content == null) {
            throw new NoSuchFileException(digest.toString());
        }
        return new ByteArrayInputStream(content);
    }

    @Override
    public Optional<Path> file(Digest digest) {
        return Optional.empty();
    }
}
