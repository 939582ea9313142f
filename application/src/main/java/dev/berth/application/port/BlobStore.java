package dev.berth.application.port;

import dev.berth.domain.Digest;
import dev.berth.domain.UploadId;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * Port, and the storage driver SPI: content-addressed blob bytes and the bytes of uploads in
 * progress. Knows nothing of repositories, HTTP or the database. Content becomes visible under a
 * digest only through {@link #commitUpload}, after its bytes are durable. Every method may be
 * called concurrently from several threads and several Berth nodes.
 *
 * <p>Keys are built by the driver only from validated {@link Digest} and {@link UploadId} values, so
 * no request text ever reaches a path or object key. A driver proves it keeps this contract by
 * passing the driver contract kit ({@code BlobStoreContract} in the test-jar of
 * {@code berth-adapters-storage}); see {@code deploy/docs/storage.md}.
 */
public interface BlobStore {

    /** Short driver name for logs and the admin UI, e.g. "filesystem". */
    String driverName();

    /** Where the bytes are, for operators (a directory, a bucket URL); never credentials. */
    String location();

    /**
     * Writes {@code data} (read to its end) into the upload starting at {@code offset}, creating
     * the upload when {@code offset} is 0. Bytes past {@code offset} from an earlier, failed write
     * are replaced, so a client's retry of a chunk is safe.
     *
     * @return the upload's size afterwards
     * @throws IllegalStateException when {@code offset} is beyond the upload's current size
     * @throws StorageFullException   when the volume has no space left; what this call wrote is released first
     */
    long writeUpload(UploadId upload, long offset, InputStream data) throws IOException;

    /** The upload's current size; 0 when it has no bytes (or does not exist). */
    long uploadSize(UploadId upload) throws IOException;

    /** Reads the upload from {@code offset} to its end (to rebuild hash state after a restart). */
    InputStream readUpload(UploadId upload, long offset) throws IOException;

    /**
     * Makes the upload's bytes the content of {@code digest}, durably and atomically, and removes the
     * upload. If the content already exists (a duplicate or concurrent push) the upload is simply
     * discarded: content addressed bytes are the same bytes. The caller has verified the digest.
     */
    void commitUpload(UploadId upload, Digest digest) throws IOException;

    /**
     * Makes an existing local file the content of {@code digest} without copying its bytes (a hard
     * link: the file stays valid where it is), durably and atomically as {@link #commitUpload} does;
     * for importing another registry's files. The caller has verified the digest.
     *
     * @return false when this store cannot link it (not a local filesystem, another filesystem, no
     * permission): the caller then copies the bytes through an upload
     */
    default boolean linkContent(Path file, Digest digest) throws IOException {
        return false;
    }

    /** Discards an upload; no-op when it does not exist. */
    void deleteUpload(UploadId upload) throws IOException;

    /** The size of the stored content, or empty when it is not stored. */
    OptionalLong size(Digest digest) throws IOException;

    /**
     * Streams {@code length} bytes of the content from {@code offset}. The caller checked the range
     * against {@link #size}.
     *
     * @throws java.nio.file.NoSuchFileException (or another IOException) when the content is gone
     */
    InputStream read(Digest digest, long offset, long length) throws IOException;

    /** Removes content (garbage collection); no-op when it does not exist. */
    void delete(Digest digest) throws IOException;

    /**
     * Every committed content, in no particular order, for garbage collection and audits. The
     * stream reads the backing store lazily and must be closed; entries the driver did not write
     * (stray files or objects) are skipped, never reported as content.
     */
    Stream<Digest> listContent() throws IOException;

    /** Every upload that has bytes, with its size and last write, so abandoned ones can be swept. Close it. */
    Stream<StoredUpload> listUploads() throws IOException;

    /**
     * A URL from which any HTTP client can {@code GET} the content (with {@code Range} support),
     * valid for at least {@code validity}, for pull redirects; empty when the driver cannot make
     * one (the filesystem) or the content is not stored. Must not contain long-lived credentials.
     */
    default Optional<URI> directUrl(Digest digest, Duration validity) throws IOException {
        return Optional.empty();
    }

    /** An upload in progress as the store sees it. */
    record StoredUpload(UploadId upload, long size, Instant lastModified) {
    }
}
