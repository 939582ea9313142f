package dev.berth.adapters.storage.s3;

import dev.berth.adapters.storage.layout.KeyLayout;
import dev.berth.application.port.DistributionStorage;
import dev.berth.domain.Digest;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * A {@code registry:2} tree in an S3 bucket, as Distribution's s3 driver writes it below its
 * {@code rootdirectory}: the same keys as its filesystem tree ({@code docker/registry/v2/...}, see
 * DistributionDirectory). The link keys of all repositories are listed once, on first use; the
 * link objects are read as asked. Blobs are streamed, never linked.
 */
public final class DistributionBucket implements DistributionStorage, AutoCloseable {

    private static final String V2 = "docker/registry/v2/";
    private static final int LINK_BYTES = 1024;

    private final S3Settings settings;
    private final S3Client s3;
    private final String v2;
    /** Each repository's link keys: layers, revisions and tags, in key order. */
    private Map<String, RepositoryKeys> repositories;

    private record RepositoryKeys(List<String> layers, List<String> revisions, List<String> tags) {
        RepositoryKeys() {
            this(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        }
    }

    /** @param settings the source bucket; its prefix is Distribution's {@code rootdirectory} */
    public DistributionBucket(S3Settings settings) {
        this.settings = settings;
        this.s3 = S3Clients.client(settings);
        this.v2 = KeyLayout.under(KeyLayout.normalizePrefix(settings.prefix()), V2);
    }

    /** Whether the bucket holds a Distribution tree at all (repositories or blobs). */
    public boolean exists() throws IOException {
        return call(() -> !s3.listObjectsV2(b -> b.bucket(settings.bucket()).prefix(v2).maxKeys(1)).contents().isEmpty());
    }

    @Override
    public String location() {
        return settings.driverName() + "://" + settings.bucket() + "/" + v2.substring(0, v2.length() - 1)
                + settings.endpoint().map(e -> " at " + e).orElse(" in " + settings.region());
    }

    @Override
    public List<String> repositories() throws IOException {
        return List.copyOf(index().keySet());
    }

    @Override
    public List<Link> layers(String repository) throws IOException {
        return digestLinks(keys(repository).layers(), "/_layers/");
    }

    @Override
    public List<Link> revisions(String repository) throws IOException {
        return digestLinks(keys(repository).revisions(), "/_manifests/revisions/");
    }

    @Override
    public List<Link> tags(String repository) throws IOException {
        List<Link> links = new ArrayList<>();
        for (String key : keys(repository).tags()) {
            String tag = key.substring(key.indexOf("/_manifests/tags/") + "/_manifests/tags/".length(),
                    key.length() - "/current/link".length());
            links.add(new Link(tag, linkTarget(key)));
        }
        return links;
    }

    @Override
    public OptionalLong size(Digest digest) throws IOException {
        return call(() -> {
            try {
                return OptionalLong.of(s3.headObject(b -> b.bucket(settings.bucket()).key(dataKey(digest))).contentLength());
            } catch (NoSuchKeyException e) {
                return OptionalLong.empty();
            } catch (S3Exception e) {
                if (e.statusCode() == 404) {
                    return OptionalLong.empty();
                }
                throw e;
            }
        });
    }

    @Override
    public InputStream open(Digest digest) throws IOException {
        try {
            return call(() -> s3.getObject(b -> b.bucket(settings.bucket()).key(dataKey(digest))));
        } catch (IOException e) {
            if (e.getCause() instanceof NoSuchKeyException) {
                throw new NoSuchFileException(dataKey(digest));
            }
            throw e;
        }
    }

    @Override
    public Optional<Path> file(Digest digest) {
        return Optional.empty();
    }

    @Override
    public void close() {
        s3.close();
    }

    /** Lists the tree's link keys once: one pass over {@code repositories/}, a page of 1 000 keys per request. */
    private synchronized Map<String, RepositoryKeys> index() throws IOException {
        if (repositories == null) {
            String under = v2 + "repositories/";
            Map<String, RepositoryKeys> found = new TreeMap<>();
            call(() -> {
                s3.listObjectsV2Paginator(b -> b.bucket(settings.bucket()).prefix(under)).contents().forEach(object -> {
                    String path = object.key().substring(under.length());
                    // a name's components never start with '_': the first "/_" ends the repository's name
                    int cut = path.indexOf("/_");
                    if (cut <= 0 || !path.endsWith("/link")) {
                        return;
                    }
                    String rest = path.substring(cut);
                    RepositoryKeys keys = null;
                    if (rest.startsWith("/_layers/") && slashes(rest) == 4) {
                        keys = found.computeIfAbsent(path.substring(0, cut), r -> new RepositoryKeys());
                        keys.layers().add(object.key());
                    } else if (rest.startsWith("/_manifests/revisions/") && slashes(rest) == 5) {
                        keys = found.computeIfAbsent(path.substring(0, cut), r -> new RepositoryKeys());
                        keys.revisions().add(object.key());
                    } else if (rest.startsWith("/_manifests/tags/") && rest.endsWith("/current/link") && slashes(rest) == 5) {
                        keys = found.computeIfAbsent(path.substring(0, cut), r -> new RepositoryKeys());
                        keys.tags().add(object.key());
                    }
                });
                return null;
            });
            repositories = found;
        }
        return repositories;
    }

    private static long slashes(String s) {
        return s.chars().filter(c -> c == '/').count();
    }

    private RepositoryKeys keys(String repository) throws IOException {
        RepositoryKeys keys = index().get(repository);
        if (keys == null) {
            throw new IllegalArgumentException("not a repository of the tree: " + repository);
        }
        return keys;
    }

    /** {@code ...<marker><algorithm>/<hex>/link} named "algorithm:hex". */
    private List<Link> digestLinks(List<String> keys, String marker) {
        List<Link> links = new ArrayList<>();
        for (String key : keys) {
            String[] parts = key.substring(key.indexOf(marker) + marker.length()).split("/");
            links.add(new Link(parts[0] + ":" + parts[1], linkTarget(key)));
        }
        return links;
    }

    /** A link's text: a digest, so its first 1 KiB is more than enough (a larger object is no link). */
    private Optional<String> linkTarget(String key) {
        try (InputStream link = s3.getObject(b -> b.bucket(settings.bucket()).key(key))) {
            return Optional.of(new String(link.readNBytes(LINK_BYTES), StandardCharsets.UTF_8).strip());
        } catch (SdkException | IOException e) {
            // missing or unreadable: the importer reports it as a broken link
            return Optional.empty();
        }
    }

    private String dataKey(Digest digest) {
        return v2 + "blobs/" + digest.algorithm().id() + "/" + digest.hex().substring(0, 2) + "/" + digest.hex() + "/data";
    }

    private interface Call<T> {
        T run();
    }

    private <T> T call(Call<T> call) throws IOException {
        try {
            return call.run();
        } catch (SdkException e) {
            throw new IOException(location() + ": " + S3Clients.describe(e), e);
        }
    }
}
