package dev.berth.adapters.storage.s3;

import dev.berth.adapters.storage.contract.BlobStoreContract;
import dev.berth.application.port.BlobStore;
import dev.berth.domain.Digest;
import dev.berth.domain.DigestAlgorithm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code oss} mode (Aliyun OSS through its S3 API) against S3Proxy answering virtual-hosted
 * requests only as OSS does: the bucket is in the host name, {@code berth-oss.localhost:port}.
 */
class OssBlobStoreTest extends BlobStoreContract {

    private static final String BUCKET = "berth-oss";
    private static final AtomicInteger TESTS = new AtomicInteger();
    private static S3ProxyServer server;

    private final String prefix = "oss-kit/" + TESTS.incrementAndGet();

    @BeforeAll
    static void startS3Proxy() throws Exception {
        server = S3ProxyServer.start(Path.of("target/s3proxy-oss"), "localhost");
        server.createBucket(BUCKET);
    }

    @AfterAll
    static void stopS3Proxy() throws Exception {
        server.close();
    }

    private S3Settings settings() {
        return S3Settings.oss(BUCKET, "oss-cn-hangzhou", Optional.of("localhost:" + server.port()), false, false,
                S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY, false, S3Settings.MIN_CHUNK_SIZE, prefix);
    }

    @Override
    protected BlobStore newStore() {
        return new S3BlobStore(settings());
    }

    @Override
    protected boolean servesDirectUrls() {
        return true;
    }

    @Test
    void talksToTheBucketByItsHostName() throws Exception {
        Digest digest = push(DigestAlgorithm.SHA256, new byte[] {1, 2, 3});

        URI url = store.directUrl(digest, Duration.ofMinutes(1)).orElseThrow();

        assertThat(url.getHost()).isEqualTo(BUCKET + ".localhost");
        assertThat(url.getPath()).isEqualTo("/" + prefix + "/blobs/sha256/" + digest.hex().substring(0, 2) + "/"
                + digest.hex());
        assertThat(store.driverName()).isEqualTo("oss");
        assertThat(store.location()).isEqualTo("oss://" + BUCKET + "/" + prefix + " at http://localhost:" + server.port());
    }

    @Test
    void endpointDefaultsToTheRegionsPublicOrInternalHost() {
        assertThat(S3Settings.oss("b", "oss-cn-beijing", Optional.empty(), false, true, "id", "secret", false,
                S3Settings.DEFAULT_CHUNK_SIZE, "").endpoint()).hasValue(URI.create("https://oss-cn-beijing.aliyuncs.com"));
        assertThat(S3Settings.oss("b", "oss-cn-beijing", Optional.empty(), true, true, "id", "secret", false,
                S3Settings.DEFAULT_CHUNK_SIZE, "").endpoint())
                .hasValue(URI.create("https://oss-cn-beijing-internal.aliyuncs.com"));
    }
}
