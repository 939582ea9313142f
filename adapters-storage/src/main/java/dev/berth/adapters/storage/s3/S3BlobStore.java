package dev.berth.adapters.storage.s3;

import dev.berth.adapters.storage.layout.KeyLayout;
import dev.berth.application.port.BlobStore;
import dev.berth.domain.Digest;
import dev.berth.domain.UploadId;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The S3 storage driver (AWS S3 and compatible stores: MinIO, Ceph, R2, Aliyun OSS's S3 API), in the
 * {@link KeyLayout} below the configured prefix.
 *
 * <p>S3 objects cannot be appended to, so an upload in progress is a row of <em>part objects</em>
 * named by the offset of their first byte, {@code uploads/<id>/<20-digit offset>}. A write buffers at
 * most {@code chunkSize} bytes at a time (S3 needs each object's length before its bytes) and stores
 * each full buffer as the next part object; a write at an offset inside an existing part first
 * deletes every part from there on and rewrites the cut part's head. The upload's size is the end of
 * the unbroken row of parts from offset 0, so all state is in the bucket: another node or a
 * restarted Berth continues the same upload.
 *
 * <p>Commit copies the parts into the content key on the server side: one part with CopyObject,
 * several with one multipart upload straight to the content key, where each part object of at least
 * 5 MiB becomes a part by UploadPartCopy and runs of smaller ones (tiny PATCHes) are streamed through
 * Berth into one part of at least 5 MiB, several parts at a time. The content appears atomically when the multipart upload
 * completes, and identical concurrent commits simply write the same bytes.
 */
public final class S3BlobStore implements BlobStore {

    private static final int OFFSET_DIGITS = 20;
    private static final int MAX_PARTS = 10_000;
    private static final int DELETE_BATCH = 1000;
    private static final Pattern OFFSET = Pattern.compile("[0-9]{20}");
    /** Sends parts while their uploads read the next one: a virtual thread per part in flight. */
    private static final Executor PART_SENDERS = Executors.newVirtualThreadPerTaskExecutor();
    /** Parts of a commit's multipart upload in flight at once. */
    static final int PARALLEL_PARTS = 8;

    private final S3Client s3;
    private final S3Presigner presigner;
    private final S3Settings settings;
    private final String prefix;
    private volatile boolean multiDelete = true;

    public S3BlobStore(S3Settings settings) {
        this(S3Clients.client(settings), S3Clients.presigner(settings), settings);
    }

    S3BlobStore(S3Client s3, S3Presigner presigner, S3Settings settings) {
        this.s3 = s3;
        this.presigner = presigner;
        this.settings = settings;
        this.prefix = KeyLayout.normalizePrefix(settings.prefix());
    }

    @Override
    public String driverName() {
        return settings.driverName();
    }

    @Override
    public String location() {
        return settings.location();
    }

    @Override
    public long writeUpload(UploadId upload, long offset, InputStream data) throws IOException {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must not be negative: " + offset);
        }
        return call(() -> {
            List<Part> all = parts(upload);
            List<Part> row = unbroken(all);
            long size = end(row);
            if (offset > size) {
                throw new IllegalStateException("offset " + offset + " is beyond the " + size + " bytes of upload "
                        + upload);
            }
            Part cut = row.stream().filter(p -> p.offset() < offset && offset < p.end()).findFirst().orElse(null);
            // a retried or rewound chunk replaces everything from its offset; stray parts go too
            deleteKeys(all.stream().filter(p -> p.offset() >= offset || !row.contains(p)).map(Part::key).toList());
            PartBuffer filling = new PartBuffer();
            long start = offset;
            if (cut != null) {
                // the cut part keeps its head: it is written again, followed by the new bytes
                start = cut.offset();
                try (InputStream head = get(cut.key(), 0, offset - cut.offset())) {
                    filling.fill(head, offset - cut.offset());
                }
            }
            return writeParts(upload, start, filling, data);
        });
    }

    /**
     * Reads the client's bytes into one buffer while the previous part is on its way to S3 in the
     * background: the socket and S3 are busy at the same time, and memory stays at two parts.
     * Parts are sent in order, one at a time, so the stored parts are always an unbroken row.
     */
    private long writeParts(UploadId upload, long start, PartBuffer filling, InputStream data) throws IOException {
        PartBuffer spare = new PartBuffer();
        CompletableFuture<Void> sending = CompletableFuture.completedFuture(null);
        long limit = Math.max(settings.chunkSize(), filling.size());
        try {
            boolean ended;
            do {
                ended = filling.fill(data, limit);
                if (filling.size() > 0 && (filling.size() == limit || ended)) {
                    awaitPart(sending);
                    PartBuffer ready = filling;
                    long at = start;
                    sending = CompletableFuture.runAsync(() -> putPart(upload, at, ready), PART_SENDERS);
                    start += ready.size();
                    spare.clear();
                    filling = spare;
                    spare = ready;
                    limit = settings.chunkSize();
                }
            } while (!ended);
        } catch (IOException | RuntimeException e) {
            // the client went away or a part failed: the part in flight lands (or fails) before this returns
            try {
                awaitPart(sending);
            } catch (RuntimeException alsoFailed) {
                e.addSuppressed(alsoFailed);
            }
            throw e;
        }
        awaitPart(sending);
        return start;
    }

    private static void awaitPart(CompletableFuture<Void> sending) {
        try {
            sending.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw e;
        }
    }

    @Override
    public long uploadSize(UploadId upload) throws IOException {
        return call(() -> end(unbroken(parts(upload))));
    }

    @Override
    public InputStream readUpload(UploadId upload, long offset) throws IOException {
        List<Part> row = call(() -> unbroken(parts(upload)));
        long size = end(row);
        if (offset > size) {
            throw new IllegalStateException("offset " + offset + " is beyond the " + size + " bytes of upload "
                    + upload);
        }
        return concatenation(row.stream().filter(p -> p.end() > offset).toList(), offset);
    }

    @Override
    public void commitUpload(UploadId upload, Digest digest) throws IOException {
        String target = key(KeyLayout.contentKey(digest));
        call(() -> {
            if (head(target).isPresent()) {
                deleteKeys(parts(upload).stream().map(Part::key).toList());
                return null;
            }
            List<Part> all = parts(upload);
            List<Part> row = unbroken(all);
            if (row.isEmpty()) {
                if (!digest.equals(digest.algorithm().newDigester().finish())) {
                    throw new NoSuchFileException("upload " + upload + " has no bytes to commit as " + digest);
                }
                // an upload that never received bytes is the empty blob; the digest proves it
                s3.putObject(put(target).storageClass(settings.storageClass().orElse(null)).build(),
                        RequestBody.empty());
            } else if (row.size() == 1) {
                s3.copyObject(copy(row.getFirst().key(), target).build());
            } else {
                compose(row, target);
            }
            deleteKeys(all.stream().map(Part::key).toList());
            return null;
        });
    }

    /** One multipart upload straight to {@code target}: runs of parts of at least 5 MiB become its parts. */
    private void compose(List<Part> row, String target) throws IOException {
        List<List<Part>> runs = new ArrayList<>();
        List<Part> run = new ArrayList<>();
        long runSize = 0;
        for (Part part : row) {
            run.add(part);
            runSize += part.size();
            if (runSize >= S3Settings.MIN_CHUNK_SIZE) {
                runs.add(run);
                run = new ArrayList<>();
                runSize = 0;
            }
        }
        if (!run.isEmpty()) {
            runs.add(run);
        }
        if (runs.size() > MAX_PARTS) {
            throw new IOException("upload of " + end(row) + " bytes needs " + runs.size()
                    + " multipart parts, more than S3's " + MAX_PARTS + ": raise chunksize");
        }
        CreateMultipartUploadRequest.Builder create = CreateMultipartUploadRequest.builder().bucket(settings.bucket())
                .key(target).storageClass(settings.storageClass().orElse(null));
        encryption(create::serverSideEncryption, create::ssekmsKeyId);
        String multipart = s3.createMultipartUpload(create.build()).uploadId();
        try {
            List<CompletedPart> done = composeParts(runs, target, multipart);
            s3.completeMultipartUpload(b -> b.bucket(settings.bucket()).key(target).uploadId(multipart)
                    .multipartUpload(m -> m.parts(done)));
        } catch (RuntimeException e) {
            try {
                s3.abortMultipartUpload(b -> b.bucket(settings.bucket()).key(target).uploadId(multipart));
            } catch (RuntimeException abortFailed) {
                e.addSuppressed(abortFailed);
            }
            throw e;
        }
    }

    /**
     * Makes each run a part of the multipart upload, {@value #PARALLEL_PARTS} at a time: the parts are
     * independent requests (S3 orders them by number), and one after the other a large blob's commit
     * took 17.9 s per GiB. The first failure stops the rest and is thrown.
     */
    private List<CompletedPart> composeParts(List<List<Part>> runs, String target, String multipart) {
        Semaphore slots = new Semaphore(PARALLEL_PARTS);
        List<CompletableFuture<CompletedPart>> parts = new ArrayList<>();
        try {
            for (int i = 0; i < runs.size(); i++) {
                slots.acquire();
                if (parts.stream().anyMatch(CompletableFuture::isCompletedExceptionally)) {
                    slots.release();
                    break;
                }
                int number = i + 1;
                List<Part> run = runs.get(i);
                parts.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return CompletedPart.builder().partNumber(number).eTag(composePart(run, target, multipart, number))
                                .build();
                    } finally {
                        slots.release();
                    }
                }, PART_SENDERS));
            }
            List<CompletedPart> done = new ArrayList<>();
            for (CompletableFuture<CompletedPart> part : parts) {
                done.add(part.get());
            }
            return done;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while composing " + target, e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : new IllegalStateException(e.getCause());
        } finally {
            // what is still running when one failed: finished before the abort, so no part outlives it
            parts.forEach(part -> {
                try {
                    part.join();
                } catch (RuntimeException ignored) {
                    // reported by the first failure
                }
            });
        }
    }

    /** One part: a part object of at least 5 MiB copied on the server side, a run of smaller ones streamed. */
    private String composePart(List<Part> parts, String target, String multipart, int number) {
        if (parts.size() == 1) {
            return s3.uploadPartCopy(b -> b.sourceBucket(settings.bucket()).sourceKey(parts.getFirst().key())
                    .destinationBucket(settings.bucket()).destinationKey(target).uploadId(multipart)
                    .partNumber(number)).copyPartResult().eTag();
        }
        long length = parts.stream().mapToLong(Part::size).sum();
        return s3.uploadPart(b -> b.bucket(settings.bucket()).key(target).uploadId(multipart)
                        .partNumber(number).contentLength(length),
                RequestBody.fromContentProvider(() -> concatenation(parts, 0), length,
                        "application/octet-stream")).eTag();
    }

    /**
     * The upload's bytes in {@code parts} from {@code offset}, each part fetched only when the reader
     * gets to it; a part that cannot be fetched fails the read with the IOException the port promises.
     */
    private InputStream concatenation(List<Part> parts, long offset) {
        return new PartsInputStream(parts.stream().<PartsInputStream.Opener>map(part -> () -> {
            long from = Math.max(0, offset - part.offset());
            return call(() -> get(part.key(), from, part.size() - from));
        }).iterator());
    }

    @Override
    public void deleteUpload(UploadId upload) throws IOException {
        call(() -> {
            deleteKeys(parts(upload).stream().map(Part::key).toList());
            return null;
        });
    }

    @Override
    public OptionalLong size(Digest digest) throws IOException {
        Optional<Long> length = call(() -> head(key(KeyLayout.contentKey(digest))));
        return length.map(OptionalLong::of).orElse(OptionalLong.empty());
    }

    @Override
    public InputStream read(Digest digest, long offset, long length) throws IOException {
        Objects.checkFromIndexSize(offset, length, Long.MAX_VALUE);
        String key = key(KeyLayout.contentKey(digest));
        if (length == 0) {
            long size = call(() -> head(key)).orElseThrow(() -> new NoSuchFileException(digest.toString()));
            Objects.checkFromIndexSize(offset, length, size);
            return InputStream.nullInputStream();
        }
        return call(() -> {
            ResponseInputStream<GetObjectResponse> in;
            try {
                in = s3.getObject(b -> b.bucket(settings.bucket()).key(key)
                        .range("bytes=" + offset + "-" + (offset + length - 1)));
            } catch (S3Exception e) {
                if (e.statusCode() == 416) {
                    throw new IndexOutOfBoundsException("range " + offset + "+" + length + " lies beyond " + digest);
                }
                throw e;
            }
            long total = totalLength(in.response());
            if (offset + length > total) {
                in.abort();
                throw new IndexOutOfBoundsException("range " + offset + "+" + length + " lies beyond the "
                        + total + " bytes of " + digest);
            }
            return new AbortingInputStream(in, length);
        });
    }

    @Override
    public void delete(Digest digest) throws IOException {
        call(() -> {
            s3.deleteObject(b -> b.bucket(settings.bucket()).key(key(KeyLayout.contentKey(digest))));
            return null;
        });
    }

    @Override
    public Stream<Digest> listContent() throws IOException {
        return call(() -> objects(key(KeyLayout.BLOBS) + "/")
                .flatMap(o -> KeyLayout.parseContentKey(relative(o.key())).stream()));
    }

    @Override
    public Stream<StoredUpload> listUploads() throws IOException {
        String uploads = key(KeyLayout.UPLOADS) + "/";
        Iterator<Part> parts = call(() -> objects(uploads).flatMap(o -> part(o).stream()).iterator());
        // keys are listed in order, so the parts of one upload arrive together
        Iterator<StoredUpload> grouped = new Iterator<>() {
            private Part pending = parts.hasNext() ? parts.next() : null;

            @Override
            public boolean hasNext() {
                return pending != null;
            }

            @Override
            public StoredUpload next() {
                if (pending == null) {
                    throw new NoSuchElementException();
                }
                UploadId upload = pending.upload();
                List<Part> group = new ArrayList<>();
                while (pending != null && pending.upload().equals(upload)) {
                    group.add(pending);
                    pending = parts.hasNext() ? parts.next() : null;
                }
                Instant last = group.stream().map(Part::lastModified).max(Instant::compareTo).orElseThrow();
                return new StoredUpload(upload, end(unbroken(group)), last);
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(grouped, Spliterator.ORDERED), false);
    }

    @Override
    public Optional<URI> directUrl(Digest digest, Duration validity) throws IOException {
        String key = key(KeyLayout.contentKey(digest));
        if (call(() -> head(key)).isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(presigner.presignGetObject(p -> p.signatureDuration(validity)
                    .getObjectRequest(g -> g.bucket(settings.bucket()).key(key))).url().toURI());
        } catch (java.net.URISyntaxException | SdkException e) {
            throw new IOException("cannot presign a URL for " + digest + ": " + e.getMessage(), e);
        }
    }

    // --- parts of uploads

    /** One part object of an upload: bytes [offset, offset + size). */
    private record Part(UploadId upload, long offset, long size, String key, Instant lastModified) {
        long end() {
            return offset + size;
        }
    }

    /** Every part object of the upload, by offset. */
    private List<Part> parts(UploadId upload) {
        return objects(key(KeyLayout.uploadKey(upload)) + "/").flatMap(o -> part(o).stream()).toList();
    }

    private Optional<Part> part(S3Object object) {
        String[] names = relative(object.key()).split("/", -1);
        if (names.length != 3 || !OFFSET.matcher(names[2]).matches() || object.size() == 0) {
            return Optional.empty();
        }
        return KeyLayout.parseUploadKey(names[0] + "/" + names[1]).map(upload -> new Part(upload,
                Long.parseLong(names[2]), object.size(), object.key(), object.lastModified()));
    }

    /** The parts that tile the upload from offset 0 without a gap: what a failed write left beyond is not the upload. */
    private static List<Part> unbroken(List<Part> parts) {
        List<Part> row = new ArrayList<>();
        long end = 0;
        for (Part part : parts) {
            if (part.offset() != end) {
                break;
            }
            row.add(part);
            end = part.end();
        }
        return row;
    }

    private static long end(List<Part> row) {
        return row.isEmpty() ? 0 : row.getLast().end();
    }

    private void putPart(UploadId upload, long offset, PartBuffer buffer) {
        String key = key(KeyLayout.uploadKey(upload)) + "/" + String.format("%0" + OFFSET_DIGITS + "d", offset);
        s3.putObject(put(key).contentLength(buffer.size()).build(),
                RequestBody.fromContentProvider(buffer::newStream, buffer.size(), "application/octet-stream"));
    }

    // --- S3 calls

    private PutObjectRequest.Builder put(String key) {
        PutObjectRequest.Builder put = PutObjectRequest.builder().bucket(settings.bucket()).key(key);
        encryption(put::serverSideEncryption, put::ssekmsKeyId);
        return put;
    }

    private CopyObjectRequest.Builder copy(String source, String target) {
        CopyObjectRequest.Builder copy = CopyObjectRequest.builder().sourceBucket(settings.bucket()).sourceKey(source)
                .destinationBucket(settings.bucket()).destinationKey(target)
                .storageClass(settings.storageClass().orElse(null));
        encryption(copy::serverSideEncryption, copy::ssekmsKeyId);
        return copy;
    }

    private void encryption(java.util.function.Consumer<ServerSideEncryption> algorithm,
                            java.util.function.Consumer<String> kmsKey) {
        if (settings.encrypt()) {
            algorithm.accept(settings.kmsKeyId().isPresent() ? ServerSideEncryption.AWS_KMS : ServerSideEncryption.AES256);
            settings.kmsKeyId().ifPresent(kmsKey);
        }
    }

    /** The object's length, or empty when there is no such object. */
    private Optional<Long> head(String key) {
        try {
            return Optional.of(s3.headObject(b -> b.bucket(settings.bucket()).key(key)).contentLength());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private InputStream get(String key, long from, long length) throws IOException {
        if (length == 0) {
            return InputStream.nullInputStream();
        }
        try {
            return new AbortingInputStream(s3.getObject(b -> b.bucket(settings.bucket()).key(key)
                    .range("bytes=" + from + "-" + (from + length - 1))), length);
        } catch (NoSuchKeyException e) {
            throw new NoSuchFileException(key);
        }
    }

    private static long totalLength(GetObjectResponse response) {
        String range = response.contentRange();
        if (range != null && range.contains("/")) {
            return Long.parseLong(range.substring(range.lastIndexOf('/') + 1).trim());
        }
        return response.contentLength();
    }

    /** Lists every object under {@code keyPrefix}, lazily page by page. */
    private Stream<S3Object> objects(String keyPrefix) {
        return s3.listObjectsV2Paginator(b -> b.bucket(settings.bucket()).prefix(keyPrefix)).contents().stream();
    }

    private void deleteKeys(List<String> keys) {
        for (int from = 0; from < keys.size(); from += DELETE_BATCH) {
            List<String> batch = keys.subList(from, Math.min(keys.size(), from + DELETE_BATCH));
            if (batch.size() > 1 && multiDelete) {
                try {
                    deleteBatch(batch);
                    continue;
                } catch (S3Exception e) {
                    if (e.statusCode() != 501) {
                        throw e;
                    }
                    // some compatible stores (S3Proxy) refuse the checksum that the SDK sends with
                    // multi-object deletes: delete one by one from now on
                    multiDelete = false;
                }
            }
            for (String key : batch) {
                s3.deleteObject(b -> b.bucket(settings.bucket()).key(key));
            }
        }
    }

    private void deleteBatch(List<String> keys) {
        List<ObjectIdentifier> objects = keys.stream().map(k -> ObjectIdentifier.builder().key(k).build()).toList();
        var result = s3.deleteObjects(b -> b.bucket(settings.bucket()).delete(d -> d.objects(objects).quiet(true)));
        if (result.hasErrors() && !result.errors().isEmpty()) {
            throw new IllegalStateException("deleting " + result.errors().size() + " objects failed, first: "
                    + result.errors().getFirst().key() + ": " + result.errors().getFirst().message());
        }
    }

    private String key(String relative) {
        return KeyLayout.under(prefix, relative);
    }

    private String relative(String key) {
        return prefix.isEmpty() ? key : key.substring(prefix.length() + 1);
    }

    private interface S3Call<T> {
        T run() throws IOException;
    }

    /** Runs S3 calls, turning the SDK's unchecked failures into the IOException the port promises. */
    private static <T> T call(S3Call<T> call) throws IOException {
        try {
            return call.run();
        } catch (NoSuchKeyException e) {
            throw new NoSuchFileException(e.getMessage());
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } catch (SdkException e) {
            throw new IOException(S3Clients.describe(e), e);
        }
    }
}
