package dev.berth.adapters.storage.s3;

import dev.berth.adapters.storage.contract.BlobStoreFaultsContract;
import dev.berth.adapters.storage.testserver.FaultProxy;
import dev.berth.application.port.BlobStore;
import dev.berth.domain.Digest;
import dev.berth.domain.DigestAlgorithm;
import dev.berth.domain.UploadId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The S3 driver against S3Proxy through a fault-injecting proxy: the SDK's legacy retry mode tries
 * 4 times, waiting at least 250 ms before retrying a 503 SlowDown.
 */
class S3StoreFaultsTest extends BlobStoreFaultsContract {

    private static final String BUCKET = "berth-faults";
    private static final AtomicInteger TESTS = new AtomicInteger();
    private static S3ProxyServer server;
    private static FaultProxy proxy;
    /** Fresh each run: content left by an earlier run would make commits no-ops. */
    @TempDir
    static Path bucket;

    @BeforeAll
    static void start() throws Exception {
        server = S3ProxyServer.start(bucket, null);
        server.createBucket(BUCKET);
        proxy = FaultProxy.start(server.endpoint(), FaultProxy.Dialect.S3);
    }

    @AfterAll
    static void stop() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Override
    protected FaultProxy proxy() {
        return proxy;
    }

    @Override
    protected BlobStore storeThroughProxy(Duration timeout) {
        return new S3BlobStore(new S3Settings("s3", BUCKET, "us-east-1", Optional.of(proxy.endpoint()), true,
                Optional.of(S3ProxyServer.ACCESS_KEY), Optional.of(S3ProxyServer.SECRET_KEY), false, Optional.empty(),
                S3Settings.MIN_CHUNK_SIZE, "faults/" + TESTS.incrementAndGet(), false, Optional.empty(), true, timeout));
    }

    @Override
    protected int attempts() {
        return 4;
    }

    @Override
    protected Duration leastBackoff() {
        return Duration.ofMillis(250);
    }

    /** Two part objects, committed as a multipart upload of two parts. */
    @Override
    protected int multiPieceSize() {
        return (int) S3Settings.MIN_CHUNK_SIZE + 1000;
    }

    /** CompleteMultipartUpload: the parts are copied into the content key, which appears only now. */
    @Override
    protected boolean publishesContent(FaultProxy.Request request) {
        return request.method().equals("POST") && request.target().contains("uploadId=");
    }

    /** S3's error code (SlowDown) is in the body, and an answer to HEAD has none. */
    @Override
    protected String describes503() {
        return "S3 answered 503";
    }

    @Test
    void errorsNameWhatS3AnsweredAndNothingElse() {
        BlobStore store = storeThroughProxy(Duration.ofSeconds(5));
        proxy.failAll(503);

        assertThatThrownBy(() -> store.uploadSize(UploadId.random()))
                .hasMessage("S3 answered 503 SlowDown: Please reduce your request rate.");
        // an answer to HEAD has no body to name the error
        assertThatThrownBy(() -> store.size(Digest.of(DigestAlgorithm.SHA256, new byte[0])))
                .hasMessage("S3 answered 503");
    }
}
