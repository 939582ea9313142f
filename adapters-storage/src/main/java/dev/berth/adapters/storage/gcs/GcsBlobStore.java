package dev.berth.adapters.storage.gcs;

import com.google.auth.ServiceAccountSigner;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.cloud.NoCredentials;
import com.google.cloud.ReadChannel;
import com.google.cloud.WriteChannel;
import com.google.cloud.http.HttpTransportOptions;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import com.google.cloud.storage.StorageOptions;
import dev.berth.adapters.storage.layout.KeyLayout;
import dev.berth.application.port.BlobStore;
import dev.berth.domain.Digest;
import dev.berth.domain.UploadId;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The Google Cloud Storage driver, in one bucket, in the {@link KeyLayout} below
 * {@code rootdirectory}.
 *
 * <p>An upload in progress is a set of part objects {@code uploads/<id>/<offset as 16 hex digits>},
 * one per write: the listing of that prefix is the upload's whole state (sizes, order, last
 * write), so it survives restarts and serves other nodes. A write at an offset removes the parts
 * from there on; a write inside a part rewrites that part with its head followed by the new bytes.
 * Each part is streamed through the client's resumable upload with a buffer of {@code chunksize}.
 *
 * <p>{@link #commitUpload} composes the parts, in order, into {@code blobs/...} server-side, 32 at a
 * time (GCS's limit per compose) through an accumulator object, the last compose only if the
 * content object does not exist yet ({@code ifGenerationMatch=0}), then deletes the upload.
 */
public final class GcsBlobStore implements BlobStore {

    /** GCS composes at most 32 sources at once. */
    private static final int COMPOSE_LIMIT = 32;
    private static final int COPY_BUFFER = 1 << 20;
    private static final Pattern PART = Pattern.compile("[0-9a-f]{16}");
    private static final String ACCUMULATOR = "composed";
    /** How long the client waits for GCS to answer, and between the bytes of an answer (the library's own: 20 s). */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** Tries of a request that GCS answers 408, 429, 5xx, or that fails with an I/O error or a timeout. */
    static final int ATTEMPTS = 4;

    private final Storage storage;
    private final String bucket;
    private final String prefix;
    private final int chunkSize;

    /**
     * @param rootDirectory key prefix below which Berth keeps its objects; "" for the bucket's root
     * @param chunkSize     bytes buffered per resumable-upload request (a multiple of 256 KiB)
     */
    public GcsBlobStore(Storage storage, String bucket, String rootDirectory, int chunkSize) {
        this.storage = storage;
        this.bucket = bucket;
        this.prefix = KeyLayout.normalizePrefix(rootDirectory);
        this.chunkSize = chunkSize;
    }

    /**
     * A store over the GCS JSON API.
     *
     * @param credentialsJson a service-account key (JSON), from {@code keyfile} or {@code credentials};
     *                        empty: the environment's Application Default Credentials, or none at all
     *                        with an {@code endpoint} (an emulator)
     * @param endpoint        another host than {@code https://storage.googleapis.com}, or empty
     */
    public static GcsBlobStore open(String bucket, Optional<String> credentialsJson, Optional<URI> endpoint,
                                    String rootDirectory, int chunkSize) {
        return open(bucket, credentialsJson, endpoint, rootDirectory, chunkSize, DEFAULT_TIMEOUT);
    }

    /** @param timeout {@link #DEFAULT_TIMEOUT}, shorter in tests of a store that stops answering */
    static GcsBlobStore open(String bucket, Optional<String> credentialsJson, Optional<URI> endpoint,
                             String rootDirectory, int chunkSize, Duration timeout) {
        // a few quick retries (the library's default backs off for 50 s before an unreachable store
        // fails), each waiting a random time up to 0.2, 0.4, 0.8 s (gax's full jitter); the total
        // budget lets every attempt run to its timeout
        StorageOptions.Builder options = StorageOptions.http()
                .setTransportOptions(HttpTransportOptions.newBuilder()
                        .setConnectTimeout((int) CONNECT_TIMEOUT.toMillis())
                        .setReadTimeout((int) timeout.toMillis()).build())
                .setRetrySettings(StorageOptions.getDefaultRetrySettings().toBuilder()
                        .setMaxAttempts(ATTEMPTS).setInitialRetryDelayDuration(Duration.ofMillis(200))
                        .setRetryDelayMultiplier(2.0).setMaxRetryDelayDuration(Duration.ofSeconds(2))
                        .setTotalTimeoutDuration(timeout.plus(CONNECT_TIMEOUT).multipliedBy(ATTEMPTS)
                                .plusSeconds(10)).build());
        if (credentialsJson.isPresent()) {
            try {
                options.setCredentials(GoogleCredentials.fromStream(
                        new ByteArrayInputStream(credentialsJson.get().getBytes(StandardCharsets.UTF_8))));
            } catch (IOException e) {
                // the message names what is missing in the key, never the key itself
                throw new IllegalArgumentException("storage.gcs: not a usable service-account key: " + e.getMessage(), e);
            }
        } else if (endpoint.isPresent()) {
            options.setCredentials(NoCredentials.getInstance()).setProjectId("berth");
        }
        endpoint.ifPresent(host -> options.setHost(host.toString()));
        return new GcsBlobStore(options.build().getService(), bucket, rootDirectory, chunkSize);
    }

    @Override
    public String driverName() {
        return "gcs";
    }

    @Override
    public String location() {
        return "gs://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix);
    }

    private record Part(long offset, Blob blob) {
        long end() {
            return offset + blob.getSize();
        }
    }

    @Override
    public long writeUpload(UploadId upload, long offset, InputStream data) throws IOException {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must not be negative: " + offset);
        }
        List<Part> parts = parts(upload);
        long size = parts.isEmpty() ? 0 : parts.getLast().end();
        if (offset > size) {
            throw new IllegalStateException("upload " + upload + " has " + size + " bytes; cannot write at " + offset);
        }
        long start = offset;
        InputStream bytes = data;
        for (Part part : parts) {
            if (part.offset() < offset && part.end() > offset) {
                // the write starts inside this part: it is written again, its head followed by the new bytes
                start = part.offset();
                bytes = new SequenceInputStream(read(part.blob(), 0, offset - part.offset()), data);
            }
        }
        for (Part part : parts) {
            if (part.offset() > start) {
                call("delete a part of upload " + upload, () -> storage.delete(part.blob().getBlobId()));
            }
        }
        byte[] buffer = new byte[COPY_BUFFER];
        int filled = bytes.readNBytes(buffer, 0, buffer.length);
        if (filled == 0) {
            if (parts.stream().anyMatch(p -> p.offset() == offset)) {
                call("truncate upload " + upload, () -> storage.delete(partId(upload, offset)));
            }
            return offset;
        }
        long written = 0;
        try (WriteChannel out = storage.writer(BlobInfo.newBuilder(partId(upload, start)).build())) {
            out.setChunkSize(chunkSize);
            do {
                ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, filled);
                while (chunk.hasRemaining()) {
                    out.write(chunk);
                }
                written += filled;
            } while ((filled = bytes.readNBytes(buffer, 0, buffer.length)) > 0);
        } catch (StorageException e) {
            throw failure("write a part of upload " + upload, e);
        }
        return start + written;
    }

    @Override
    public long uploadSize(UploadId upload) throws IOException {
        List<Part> parts = parts(upload);
        return parts.isEmpty() ? 0 : parts.getLast().end();
    }

    @Override
    public InputStream readUpload(UploadId upload, long offset) throws IOException {
        List<Part> parts = parts(upload);
        long size = parts.isEmpty() ? 0 : parts.getLast().end();
        if (offset > size) {
            throw new IllegalStateException("upload " + upload + " has " + size + " bytes; cannot read from " + offset);
        }
        List<Part> remaining = parts.stream().filter(p -> p.end() > offset).toList();
        // parts are opened one after the other as the stream is read
        return new SequenceInputStream(Collections.enumeration(new AbstractLazyList(remaining.size()) {
            @Override
            InputStream open(int index) throws IOException {
                Part part = remaining.get(index);
                long from = Math.max(0, offset - part.offset());
                return read(part.blob(), from, part.blob().getSize() - from);
            }
        }));
    }

    @Override
    public void commitUpload(UploadId upload, Digest digest) throws IOException {
        BlobId content = contentId(digest);
        if (call("look up " + digest, () -> storage.get(content)) != null) {
            deleteUpload(upload);
            return;
        }
        List<Part> parts = parts(upload);
        if (parts.isEmpty()) {
            if (!digest.equals(digest.algorithm().newDigester().finish())) {
                throw new NoSuchFileException("upload " + upload + " has no bytes in " + location());
            }
            // an upload that never received bytes is the empty blob; the digest proves it
            try {
                storage.create(BlobInfo.newBuilder(content).build(), new byte[0], Storage.BlobTargetOption.doesNotExist());
            } catch (StorageException e) {
                if (e.getCode() != 412) {
                    throw failure("create " + digest, e);
                }
            }
            deleteUpload(upload);
            return;
        }
        List<String> sources = new ArrayList<>(parts.stream().map(p -> p.blob().getName()).toList());
        String accumulator = KeyLayout.under(prefix, KeyLayout.uploadKey(upload)) + "/" + ACCUMULATOR;
        while (sources.size() > COMPOSE_LIMIT) {
            List<String> group = sources.subList(0, COMPOSE_LIMIT);
            compose(new ArrayList<>(group), BlobId.of(bucket, accumulator), false);
            group.clear();
            sources.addFirst(accumulator);
        }
        compose(sources, content, true);
        deleteUpload(upload);
    }

    private void compose(List<String> sources, BlobId target, boolean onlyIfAbsent) throws IOException {
        Storage.ComposeRequest.Builder request = Storage.ComposeRequest.newBuilder()
                .addSource(sources).setTarget(BlobInfo.newBuilder(target).build());
        if (onlyIfAbsent) {
            request.setTargetOptions(Storage.BlobTargetOption.doesNotExist());
        }
        try {
            storage.compose(request.build());
        } catch (StorageException e) {
            // 412: another push of the same content composed it first
            if (!onlyIfAbsent || e.getCode() != 412) {
                throw failure("compose " + target.getName(), e);
            }
        }
    }

    @Override
    public void deleteUpload(UploadId upload) throws IOException {
        String uploadPrefix = KeyLayout.under(prefix, KeyLayout.uploadKey(upload)) + "/";
        for (Blob blob : call("list upload " + upload,
                () -> storage.list(bucket, Storage.BlobListOption.prefix(uploadPrefix)).iterateAll())) {
            call("delete a part of upload " + upload, () -> storage.delete(blob.getBlobId()));
        }
    }

    @Override
    public OptionalLong size(Digest digest) throws IOException {
        Blob blob = call("look up " + digest, () -> storage.get(contentId(digest)));
        return blob == null ? OptionalLong.empty() : OptionalLong.of(blob.getSize());
    }

    @Override
    public InputStream read(Digest digest, long offset, long length) throws IOException {
        if (offset < 0 || length < 0) {
            throw new IndexOutOfBoundsException("offset " + offset + ", length " + length);
        }
        Blob blob = call("look up " + digest, () -> storage.get(contentId(digest)));
        if (blob == null) {
            throw new NoSuchFileException(digest + " is not stored in " + location());
        }
        if (offset + length > blob.getSize()) {
            throw new IndexOutOfBoundsException("range " + offset + "+" + length + " beyond the " + blob.getSize()
                    + " bytes of " + digest);
        }
        return read(blob, offset, length);
    }

    @Override
    public void delete(Digest digest) throws IOException {
        call("delete " + digest, () -> storage.delete(contentId(digest)));
    }

    @Override
    public Stream<Digest> listContent() throws IOException {
        return list(KeyLayout.BLOBS).flatMap(blob -> KeyLayout.parseContentKey(relative(blob.getName())).stream());
    }

    @Override
    public Stream<StoredUpload> listUploads() throws IOException {
        Iterator<Blob> blobs = list(KeyLayout.UPLOADS).iterator();
        // parts of one upload are listed together, in name order: each run of them is one upload
        Iterator<StoredUpload> uploads = new Iterator<>() {
            private Blob lookahead;
            private StoredUpload pending = advance();

            private StoredUpload advance() {
                UploadId current = null;
                long size = 0;
                Instant last = Instant.EPOCH;
                while (lookahead != null || blobs.hasNext()) {
                    Blob blob = lookahead != null ? lookahead : blobs.next();
                    lookahead = null;
                    Optional<UploadId> owner = partOwner(blob.getName());
                    if (owner.isEmpty()) {
                        continue;
                    }
                    if (current != null && !current.equals(owner.get())) {
                        lookahead = blob;
                        break;
                    }
                    current = owner.get();
                    size += blob.getSize();
                    Instant updated = Instant.ofEpochMilli(blob.getUpdateTimeOffsetDateTime().toInstant().toEpochMilli());
                    last = updated.isAfter(last) ? updated : last;
                }
                return current == null ? null : new StoredUpload(current, size, last);
            }

            @Override
            public boolean hasNext() {
                return pending != null;
            }

            @Override
            public StoredUpload next() {
                if (pending == null) {
                    throw new NoSuchElementException();
                }
                StoredUpload result = pending;
                pending = advance();
                return result;
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(uploads, Spliterator.ORDERED), false);
    }

    /** A V4 signed URL, when the credentials can sign (a service-account key); empty otherwise. */
    @Override
    public Optional<URI> directUrl(Digest digest, Duration validity) throws IOException {
        if (!(storage.getOptions().getCredentials() instanceof ServiceAccountSigner) || size(digest).isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(storage.signUrl(BlobInfo.newBuilder(contentId(digest)).build(),
                    validity.toSeconds(), TimeUnit.SECONDS, Storage.SignUrlOption.withV4Signature()).toURI());
        } catch (URISyntaxException | RuntimeException e) {
            throw new IOException("could not sign a URL for " + digest + " in " + location() + ": " + e.getMessage(), e);
        }
    }

    /** The upload whose part {@code name} is, or empty for anything else. */
    private Optional<UploadId> partOwner(String name) {
        String key = relative(name);
        int slash = key.lastIndexOf('/');
        if (slash < 0 || !PART.matcher(key.substring(slash + 1)).matches()) {
            return Optional.empty();
        }
        return KeyLayout.parseUploadKey(key.substring(0, slash));
    }

    /** The parts of an upload in offset order; parts must follow each other without gaps. */
    private List<Part> parts(UploadId upload) throws IOException {
        String uploadPrefix = KeyLayout.under(prefix, KeyLayout.uploadKey(upload)) + "/";
        List<Part> parts = new ArrayList<>();
        for (Blob blob : call("list upload " + upload,
                () -> storage.list(bucket, Storage.BlobListOption.prefix(uploadPrefix)).iterateAll())) {
            String name = blob.getName().substring(uploadPrefix.length());
            if (PART.matcher(name).matches()) {
                parts.add(new Part(HexFormat.fromHexDigitsToLong(name), blob));
            }
        }
        parts.sort(Comparator.comparingLong(Part::offset));
        long expected = 0;
        for (Part part : parts) {
            if (part.offset() != expected) {
                throw new IOException("upload " + upload + " in " + location() + " has a gap at " + expected);
            }
            expected = part.end();
        }
        return parts;
    }

    private Stream<Blob> list(String tree) throws IOException {
        String listed = KeyLayout.under(prefix, tree) + "/";
        Iterable<Blob> blobs = call("list " + listed,
                () -> storage.list(bucket, Storage.BlobListOption.prefix(listed)).iterateAll());
        // pages are fetched as the stream is consumed
        return StreamSupport.stream(blobs.spliterator(), false);
    }

    /** Streams {@code length} bytes of one generation of an object, buffering at most {@code chunksize}. */
    private InputStream read(Blob blob, long offset, long length) throws IOException {
        if (length == 0) {
            return InputStream.nullInputStream();
        }
        // the id carries the generation looked up, so a concurrent overwrite cannot mix two objects' bytes
        ReadChannel reader = call("read " + blob.getName(), () -> storage.reader(blob.getBlobId()));
        reader.setChunkSize(chunkSize);
        reader.seek(offset);
        reader = reader.limit(offset + length);
        return Channels.newInputStream(reader);
    }

    private String relative(String name) {
        return prefix.isEmpty() ? name : name.substring(prefix.length() + 1);
    }

    private BlobId partId(UploadId upload, long offset) {
        return BlobId.of(bucket, KeyLayout.under(prefix, KeyLayout.uploadKey(upload)) + "/"
                + HexFormat.of().toHexDigits(offset));
    }

    private BlobId contentId(Digest digest) {
        return BlobId.of(bucket, KeyLayout.under(prefix, KeyLayout.contentKey(digest)));
    }

    /** Opens the n-th element only when it is reached. */
    private abstract static class AbstractLazyList extends java.util.AbstractList<InputStream> {
        private final int size;

        AbstractLazyList(int size) {
            this.size = size;
        }

        abstract InputStream open(int index) throws IOException;

        @Override
        public InputStream get(int index) {
            try {
                return open(index);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        @Override
        public int size() {
            return size;
        }
    }

    private interface Call<T> {
        T run();
    }

    private <T> T call(String what, Call<T> call) throws IOException {
        try {
            return call.run();
        } catch (StorageException e) {
            throw failure(what, e);
        }
    }

    /** A short, readable error naming the bucket and what GCS answered. */
    private IOException failure(String what, StorageException e) {
        String hint = switch (e.getCode()) {
            case 401, 403 -> ": GCS refused the credentials (check storage.gcs.keyfile or credentials)";
            case 404 -> ": bucket '" + bucket + "' does not exist?";
            default -> "";
        };
        return new IOException("Google Cloud Storage could not " + what + " in " + location() + " (HTTP " + e.getCode()
                + ", " + e.getReason() + ")" + hint, e);
    }
}
