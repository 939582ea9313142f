package dev.berth.deploy.runtime;

import dev.berth.adapters.http.Metrics;
import dev.berth.application.port.BlobStore;
import dev.berth.domain.Digest;
import dev.berth.domain.UploadId;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * A storage driver with its operations timed and its errors counted, by driver and operation.
 * Reads and writes are timed until the call returns: for a read that is opening the content, not
 * streaming it (the HTTP metrics time the whole transfer).
 */
final class MeteredBlobStore implements BlobStore {

    private final BlobStore driver;
    private final Metrics metrics;

    MeteredBlobStore(BlobStore driver, Metrics metrics) {
        this.driver = driver;
        this.metrics = metrics;
    }

    private interface Operation<T> {
        T run() throws IOException;
    }

    private <T> T timed(String operation, Operation<T> work) throws IOException {
        long start = System.nanoTime();
        Metrics.Labels labels = Metrics.Labels.of("driver", driver.driverName(), "operation", operation);
        try {
            return work.run();
        } catch (IOException | RuntimeException e) {
            metrics.count("berth_storage_errors_total", "Storage operations that failed, by driver and operation",
                    labels, 1);
            throw e;
        } finally {
            metrics.observeSeconds("berth_storage_operation_seconds", "Storage operation latency by driver and operation",
                    labels, System.nanoTime() - start);
        }
    }

    @Override
    public String driverName() {
        return driver.driverName();
    }

    @Override
    public String location() {
        return driver.location();
    }

    @Override
    public long writeUpload(UploadId upload, long offset, InputStream data) throws IOException {
        return timed("write_upload", () -> driver.writeUpload(upload, offset, data));
    }

    @Override
    public long uploadSize(UploadId upload) throws IOException {
        return timed("upload_size", () -> driver.uploadSize(upload));
    }

    @Override
    public InputStream readUpload(UploadId upload, long offset) throws IOException {
        return timed("read_upload", () -> driver.readUpload(upload, offset));
    }

    @Override
    public void commitUpload(UploadId upload, Digest digest) throws IOException {
        timed("commit_upload", () -> {
            driver.commitUpload(upload, digest);
            return null;
        });
    }

    @Override
    public boolean linkContent(Path file, Digest digest) throws IOException {
        return timed("link_content", () -> driver.linkContent(file, digest));
    }

    @Override
    public void deleteUpload(UploadId upload) throws IOException {
        timed("delete_upload", () -> {
            driver.deleteUpload(upload);
            return null;
        });
    }

    @Override
    public OptionalLong size(Digest digest) throws IOException {
        return timed("size", () -> driver.size(digest));
    }

    @Override
    public InputStream read(Digest digest, long offset, long length) throws IOException {
        return timed("read", () -> driver.read(digest, offset, length));
    }

    @Override
    public void delete(Digest digest) throws IOException {
        timed("delete", () -> {
            driver.delete(digest);
            return null;
        });
    }

    @Override
    public Stream<Digest> listContent() throws IOException {
        return timed("list_content", driver::listContent);
    }

    @Override
    public Stream<StoredUpload> listUploads() throws IOException {
        return timed("list_uploads", driver::listUploads);
    }

    @Override
    public Optional<URI> directUrl(Digest digest, Duration validity) throws IOException {
        return timed("direct_url", () -> driver.directUrl(digest, validity));
    }
}
