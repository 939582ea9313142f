package dev.berth.application.fake;

import dev.berth.application.port.UpstreamRegistry;
import dev.berth.domain.Digest;
import dev.berth.domain.DigestAlgorithm;
import dev.berth.domain.Reference;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.Tag;
import dev.berth.domain.manifest.MediaType;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** An upstream registry in memory that can go down, serve wrong bytes and hold a blob mid-stream. */
public final class FakeUpstream implements UpstreamRegistry {

    private final Map<String, Digest> tags = new ConcurrentHashMap<>();
    private final Map<Digest, UpstreamManifest> manifests = new ConcurrentHashMap<>();
    private final Map<Digest, byte[]> blobs = new ConcurrentHashMap<>();
    public final AtomicInteger resolves = new AtomicInteger();
    public final AtomicInteger manifestGets = new AtomicInteger();
    public final AtomicInteger blobGets = new AtomicInteger();
    public final AtomicInteger tagLists = new AtomicInteger();
    private volatile boolean down;
    /** Manifests served with a byte more than their digest covers. */
    private volatile boolean tamperManifests;
    /** When set, blob streams stop after their first bytes until it opens. */
    private volatile CountDownLatch hold;

    public Digest putManifest(RepositoryName repository, String tag, MediaType type, byte[] payload) {
        Digest digest = Digest.of(DigestAlgorithm.SHA256, payload);
        manifests.put(digest, new UpstreamManifest(type, payload));
        if (tag != null) {
            tags.put(repository + ":" + tag, digest);
        }
        return digest;
    }

    public Digest putBlob(byte[] content) {
        Digest digest = Digest.of(DigestAlgorithm.SHA256, content);
        blobs.put(digest, content);
        return digest;
    }

    /** Serves other bytes under the digest, as a corrupted file upstream would. */
    public void corrupt(Digest digest, byte[] bytes) {
        blobs.put(digest, bytes);
    }

    public void tamperManifests(boolean tamper) {
        this.tamperManifests = tamper;
    }

    public void down(boolean down) {
        this.down = down;
    }

    public void holdBlobs(CountDownLatch latch) {
        this.hold = latch;
    }

    @Override
    public String describe() {
        return "https://upstream.example";
    }

    @Override
    public Optional<Digest> resolve(RepositoryName repository, Reference reference) {
        requireUp();
        resolves.incrementAndGet();
        return reference instanceof Tag tag ? Optional.ofNullable(tags.get(repository + ":" + tag))
                : Optional.of((Digest) reference).filter(manifests::containsKey);
    }

    @Override
    public Optional<UpstreamManifest> manifest(RepositoryName repository, Digest digest) {
        requireUp();
        manifestGets.incrementAndGet();
        return Optional.ofNullable(manifests.get(digest)).map(m -> !tamperManifests ? m
                : new UpstreamManifest(m.mediaType(), Arrays.copyOf(m.payload(), m.payload().length + 1)));
    }

    @Override
    public OptionalLong blobSize(RepositoryName repository, Digest digest) {
        requireUp();
        byte[] content = blobs.get(digest);
        return content == null ? OptionalLong.empty() : OptionalLong.of(content.length);
    }

    @Override
    public Optional<UpstreamBlob> blob(RepositoryName repository, Digest digest) {
        requireUp();
        blobGets.incrementAndGet();
        byte[] content = blobs.get(digest);
        if (content == null) {
            return Optional.empty();
        }
        CountDownLatch latch = hold;
        InputStream stream = new FilterInputStream(new ByteArrayInputStream(content)) {
            private boolean first = true;

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                if (!first && latch != null) {
                    try {
                        latch.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        throw new IOException(e);
                    }
                }
                first = false;
                return super.read(buffer, offset, Math.min(length, 4096));
            }
        };
        return Optional.of(new UpstreamBlob(content.length, stream));
    }

    @Override
    public Optional<List<Tag>> tags(RepositoryName repository, int limit) {
        requireUp();
        tagLists.incrementAndGet();
        String prefix = repository + ":";
        List<Tag> found = tags.keySet().stream().filter(key -> key.startsWith(prefix))
                .map(key -> Tag.parse(key.substring(prefix.length()))).sorted(java.util.Comparator.comparing(Tag::value))
                .limit(limit).toList();
        return found.isEmpty() ? Optional.empty() : Optional.of(found);
    }

    private void requireUp() {
        if (down) {
            throw new UpstreamException(describe() + " is unreachable: connection refused");
        }
    }
}
