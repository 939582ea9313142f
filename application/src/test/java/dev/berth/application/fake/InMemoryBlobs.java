package dev.berth.application.fake;

import dev.berth.application.port.BlobStore;
import dev.berth.application.port.StorageFullException;
import dev.berth.domain.Digest;
import dev.berth.domain.UploadId;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.nio.file.NoSuchFileException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/** A minimal BlobStore for use-case tests (the real in-memory driver lives in adapters-storage). */
public final class InMemoryBlobs implements BlobStore {

    private final Map<UploadId, byte[]> uploads = new ConcurrentHashMap<>();
    private final Map<Digest, byte[]> content = new ConcurrentHashMap<>();
    private final Map<UploadId, Instant> lastWrites = new ConcurrentHashMap<>();
    private final Clock clock;

    /** Uploads' last writes are the epoch. */
    public InMemoryBlobs() {
        this(Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));
    }

    /** @param clock when uploads are written, as {@link #listUploads()} reports it */
    public InMemoryBlobs(Clock clock) {
        this.clock = clock;
    }

    @Override
    public String driverName() {
        return "test";
    }

    @Override
    public String location() {
        return "memory";
    }

    @Override
    public synchronized long writeUpload(UploadId upload, long offset, InputStream data) throws IOException {
        byte[] current = uploads.getOrDefault(upload, new byte[0]);
        if (offset > current.length) {
            throw new IllegalStateException("offset beyond upload");
        }
        byte[] added = data.readAllBytes();
        if (storedBytes() - current.length + offset + added.length > capacity) {
            // as a driver must: the failed write changes nothing
            throw new StorageFullException(location(), capacity - storedBytes(), null);
        }
        byte[] next = Arrays.copyOf(current, (int) offset + added.length);
        System.arraycopy(added, 0, next, (int) offset, added.length);
        uploads.put(upload, next);
        lastWrites.put(upload, clock.instant());
        return next.length;
    }

    @Override
    public long uploadSize(UploadId upload) {
        return uploads.getOrDefault(upload, new byte[0]).length;
    }

    @Override
    public InputStream readUpload(UploadId upload, long offset) {
        uploadReads.incrementAndGet();
        byte[] bytes = uploads.getOrDefault(upload, new byte[0]);
        return new ByteArrayInputStream(bytes, (int) offset, bytes.length - (int) offset);
    }

    @Override
    public void commitUpload(UploadId upload, Digest digest) {
        content.putIfAbsent(digest, uploads.getOrDefault(upload, new byte[0]));
        uploads.remove(upload);
    }

    @Override
    public void deleteUpload(UploadId upload) {
        uploads.remove(upload);
    }

    @Override
    public OptionalLong size(Digest digest) {
        byte[] bytes = content.get(digest);
        return bytes == null ? OptionalLong.empty() : OptionalLong.of(bytes.length);
    }

    @Override
    public InputStream read(Digest digest, long offset, long length) throws IOException {
        byte[] bytes = content.get(digest);
        if (bytes == null) {
            throw new NoSuchFileException(digest.toString());
        }
        return new ByteArrayInputStream(bytes, (int) offset, (int) length);
    }

    @Override
    public void delete(Digest digest) {
        content.remove(digest);
    }

    @Override
    public Stream<Digest> listContent() {
        return List.copyOf(content.keySet()).stream();
    }

    @Override
    public Stream<StoredUpload> listUploads() {
        return uploads.entrySet().stream()
                .map(e -> new StoredUpload(e.getKey(), e.getValue().length,
                        lastWrites.getOrDefault(e.getKey(), Instant.EPOCH))).toList().stream();
    }

    private final AtomicInteger uploadReads = new AtomicInteger();

    /** How often an upload's stored bytes were read back (to hash them again). */
    public int uploadReads() {
        return uploadReads.get();
    }

    private volatile long capacity = Long.MAX_VALUE;

    /** From now on a write that would store more than {@code bytes} in all fails as on a full volume. */
    public void limitCapacityTo(long bytes) {
        capacity = bytes;
    }

    private long storedBytes() {
        return uploads.values().stream().mapToLong(b -> b.length).sum()
                + content.values().stream().mapToLong(b -> b.length).sum();
    }

    public int uploadsInProgress() {
        return uploads.size();
    }

    /** Swaps stored content for other bytes, as bit rot or a hand-edited file would. */
    public void corrupt(Digest digest, byte[] bytes) {
        content.replace(digest, bytes.clone());
    }

    /** Puts content back by hand, as an operator restoring a file from a backup would. */
    public void restore(Digest digest, byte[] bytes) {
        content.put(digest, bytes.clone());
    }

    public boolean stores(Digest digest) {
        return content.containsKey(digest);
    }

    private volatile URI directUrls;

    /** From now on hands out direct URLs {@code base + digest} for stored content, as a cloud driver would. */
    public void serveDirectUrlsAt(URI base) {
        directUrls = base;
    }

    @Override
    public Optional<URI> directUrl(Digest digest, Duration validity) {
        return directUrls == null || !content.containsKey(digest) ? Optional.empty()
                : Optional.of(URI.create(directUrls + digest.toString()));
    }
}
