package dev.berth.adapters.storage.inmemory;

import dev.berth.application.port.BlobStore;
import dev.berth.domain.Digest;
import dev.berth.domain.UploadId;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.stream.Stream;

/**
 * Keeps content and uploads in memory, for tests and {@code storage.inmemory}: everything is lost
 * when the process ends, and no blob can exceed 2 GiB. Same semantics as the filesystem driver.
 */
public final class InMemoryBlobStore implements BlobStore {

    private static final byte[] EMPTY = new byte[0];

    // Arrays are never changed once they are in a map (a write puts a new one), so readers share them.
    private final ConcurrentMap<Digest, byte[]> blobs = new ConcurrentHashMap<>();
    private final ConcurrentMap<UploadId, byte[]> uploads = new ConcurrentHashMap<>();
    private final ConcurrentMap<UploadId, Instant> uploadWrites = new ConcurrentHashMap<>();
    private final Clock clock;

    public InMemoryBlobStore(Clock clock) {
        this.clock = clock;
    }

    @Override
    public String driverName() {
        return "inmemory";
    }

    @Override
    public String location() {
        return "memory";
    }

    @Override
    public long writeUpload(UploadId upload, long offset, InputStream data) throws IOException {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must not be negative: " + offset);
        }
        byte[] chunk = data.readAllBytes();
        byte[] written = uploads.compute(upload, (id, current) -> {
            byte[] existing = current == null ? EMPTY : current;
            if (offset > existing.length) {
                throw beyondEnd(upload, offset, existing.length);
            }
            // copying only up to offset drops what a failed attempt at this chunk left
            byte[] next = Arrays.copyOf(existing, Math.toIntExact(offset + chunk.length));
            System.arraycopy(chunk, 0, next, (int) offset, chunk.length);
            return next;
        });
        uploadWrites.put(upload, clock.instant());
        return written.length;
    }

    @Override
    public long uploadSize(UploadId upload) {
        return uploads.getOrDefault(upload, EMPTY).length;
    }

    @Override
    public InputStream readUpload(UploadId upload, long offset) {
        byte[] bytes = uploads.getOrDefault(upload, EMPTY);
        if (offset > bytes.length) {
            throw beyondEnd(upload, offset, bytes.length);
        }
        return new ByteArrayInputStream(bytes, (int) offset, bytes.length - (int) offset);
    }

    @Override
    public void commitUpload(UploadId upload, Digest digest) throws IOException {
        if (blobs.containsKey(digest)) {
            deleteUpload(upload);
            return;
        }
        byte[] bytes = uploads.remove(upload);
        uploadWrites.remove(upload);
        if (bytes == null) {
            // an upload that never received bytes is the empty blob, but only the digest can prove it
            if (!digest.equals(digest.algorithm().newDigester().finish())) {
                throw new NoSuchFileException("upload " + upload);
            }
            bytes = EMPTY;
        }
        blobs.putIfAbsent(digest, bytes);
    }

    @Override
    public void deleteUpload(UploadId upload) {
        uploads.remove(upload);
        uploadWrites.remove(upload);
    }

    @Override
    public OptionalLong size(Digest digest) {
        byte[] bytes = blobs.get(digest);
        return bytes == null ? OptionalLong.empty() : OptionalLong.of(bytes.length);
    }

    @Override
    public InputStream read(Digest digest, long offset, long length) throws IOException {
        byte[] bytes = blobs.get(digest);
        if (bytes == null) {
            throw new NoSuchFileException(digest.toString());
        }
        Objects.checkFromIndexSize(offset, length, bytes.length);
        return new ByteArrayInputStream(bytes, (int) offset, (int) length);
    }

    @Override
    public void delete(Digest digest) {
        blobs.remove(digest);
    }

    @Override
    public Stream<Digest> listContent() {
        return List.copyOf(blobs.keySet()).stream();
    }

    @Override
    public Stream<StoredUpload> listUploads() {
        return uploads.entrySet().stream()
                .map(e -> new StoredUpload(e.getKey(), e.getValue().length,
                        uploadWrites.getOrDefault(e.getKey(), Instant.EPOCH)))
                .toList().stream();
    }

    private static IllegalStateException beyondEnd(UploadId upload, long offset, long size) {
        return new IllegalStateException("offset " + offset + " is beyond the " + size + " bytes of upload " + upload);
    }
}
