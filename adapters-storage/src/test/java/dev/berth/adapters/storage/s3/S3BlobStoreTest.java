package dev.berth.adapters.storage.s3;

import dev.berth.adapters.storage.contract.BlobStoreContract;
import dev.berth.application.port.BlobStore;
import dev.berth.domain.UploadId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import dev.berth.application.system.BlobStoreStatus;
import dev.berth.application.system.StorageStatus.StorageReport;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The driver kit against S3Proxy on loopback, path-style, each test under a prefix of its own in one bucket. */
class S3BlobStoreTest extends BlobStoreContract {

    private static final String BUCKET = "berth-kit";
    private static final AtomicInteger TESTS = new AtomicInteger();
    private static S3ProxyServer server;
    private static S3Client raw;

    private final String prefix = "kit/" + TESTS.incrementAndGet();

    @BeforeAll
    static void startS3Proxy() throws Exception {
        server = S3ProxyServer.start(Path.of("target/s3proxy-kit"), null);
        server.createBucket(BUCKET);
        raw = S3Clients.client(settings("/"));
    }

    @AfterAll
    static void stopS3Proxy() throws Exception {
        raw.close();
        server.close();
    }

    static S3Settings settings(String prefix) {
        return new S3Settings("s3", BUCKET, "us-east-1", Optional.of(server.endpoint()), true,
                Optional.of(S3ProxyServer.ACCESS_KEY), Optional.of(S3ProxyServer.SECRET_KEY), false, Optional.empty(),
                S3Settings.MIN_CHUNK_SIZE, prefix, false, Optional.empty(), true);
    }

    @Override
    protected BlobStore newStore() {
        return new S3BlobStore(settings(prefix));
    }

    @Override
    protected long largeBlobSize() {
        return 256L << 20;
    }

    @Override
    protected boolean servesDirectUrls() {
        return true;
    }

    @Override
    protected void plantStrayEntries() {
        String hex = "ab" + "c".repeat(62);
        for (String key : new String[] {"blobs/sha256/cd/" + hex, "blobs/sha256/ab/not-a-digest", "blobs/md5/ab/" + hex,
                "uploads/not-an-upload-id/00000000000000000000", "uploads/" + UploadId.random(),
                "uploads/" + UploadId.random() + "/not-an-offset", "stray-at-the-root"}) {
            raw.putObject(b -> b.bucket(BUCKET).key(prefix + "/" + key), RequestBody.fromBytes(new byte[] {1}));
        }
    }

    @Override
    protected void assertNoUploadsLeft() throws IOException {
        super.assertNoUploadsLeft();
        // no part object and no unfinished multipart upload left in the bucket either
        assertThat(raw.listObjectsV2(b -> b.bucket(BUCKET).prefix(prefix + "/uploads/")).contents())
                .allSatisfy(o -> assertThat(o.key()).doesNotMatch(".*/uploads/[0-9a-f-]{36}/[0-9]{20}"));
    }

    @Test
    void missingBucketAndWrongCredentialsAreReportedReadably() {
        S3Settings good = settings(prefix);
        S3Settings missingBucket = new S3Settings("s3", "no-such-bucket", good.region(), good.endpoint(), true,
                good.accessKey(), good.secretKey(), false, Optional.empty(), good.chunkSize(), prefix, false,
                Optional.empty(), true);
        S3Settings wrongSecret = new S3Settings("s3", BUCKET, good.region(), good.endpoint(), true, good.accessKey(),
                Optional.of("not-the-secret"), false, Optional.empty(), good.chunkSize(), prefix, false,
                Optional.empty(), true);

        StorageReport noBucket = new BlobStoreStatus(new S3BlobStore(missingBucket)).report();
        StorageReport denied = new BlobStoreStatus(new S3BlobStore(wrongSecret)).report();

        assertThat(noBucket.writable()).isFalse();
        assertThat(noBucket.problem()).contains("S3 answered 404 NoSuchBucket");
        assertThat(denied.writable()).isFalse();
        assertThat(denied.problem()).contains("S3 answered 403 SignatureDoesNotMatch").doesNotContain("not-the-secret");
        assertThat(new BlobStoreStatus(store).report().writable()).isTrue();
    }
}
