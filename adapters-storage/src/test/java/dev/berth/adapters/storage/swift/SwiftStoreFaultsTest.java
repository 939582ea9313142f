package dev.berth.adapters.storage.swift;

import dev.berth.adapters.storage.contract.BlobStoreFaultsContract;
import dev.berth.adapters.storage.contract.PseudoRandomBytes;
import dev.berth.adapters.storage.testserver.FaultProxy;
import dev.berth.application.port.BlobStore;
import dev.berth.domain.Digest;
import dev.berth.domain.DigestAlgorithm;
import dev.berth.domain.UploadId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;

import static dev.berth.adapters.storage.contract.StoredBlobs.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Swift driver against a real Swift through a fault-injecting proxy (tempauth's storage URL
 * pointed back through it, so authentication and storage requests both pass it): the driver tries
 * 4 times, waiting about 0.2, 0.6 and 1.4 s (less 20 % jitter at worst) between them.
 */
@ExtendWith(SwiftServer.class)
class SwiftStoreFaultsTest extends BlobStoreFaultsContract {

    private static final String CONTAINER = "berth-faults";
    private static final Duration SHORT_TIMEOUT = Duration.ofSeconds(1);
    private static final String RUN = "faults-" + UUID.randomUUID();
    private static FaultProxy proxy;
    private static int stores;

    @BeforeAll
    static void start() throws Exception {
        proxy = FaultProxy.start(SwiftServer.authUrl(), FaultProxy.Dialect.SWIFT);
    }

    @AfterAll
    static void stop() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
    }

    @Override
    protected FaultProxy proxy() {
        return proxy;
    }

    @Override
    protected BlobStore storeThroughProxy(Duration timeout) {
        SwiftOptions options = new SwiftOptions(proxy.proxied(SwiftServer.authUrl()), 1, SwiftServer.USER,
                SwiftServer.KEY, CONTAINER, "", "", "", "", "", "", "", "", "", false, 1L << 20, RUN + "/" + ++stores,
                "", false);
        return new SwiftBlobStore(options, Clock.systemUTC(), timeout);
    }

    @Override
    protected int attempts() {
        return SwiftRetries.ATTEMPTS;
    }

    @Override
    protected Duration leastBackoff() {
        return Duration.ofMillis(160);
    }

    /** Two segments of the 1 MiB chunk size, read back in two GETs. */
    @Override
    protected int multiPieceSize() {
        return (1 << 20) + 1000;
    }

    /** The SLO manifest written to the content key (nested manifests go below the upload's segments). */
    @Override
    protected boolean publishesContent(FaultProxy.Request request) {
        return request.method().equals("PUT") && request.target().contains("multipart-manifest=put")
                && request.target().contains("/blobs/");
    }

    @Override
    protected String describes503() {
        return "Swift answered 503";
    }

    @Test
    void aSegmentUploadRefusedBeforeItsBodyIsSentAgainAndNothingIsLost() throws IOException {
        BlobStore store = storeThroughProxy(Duration.ofSeconds(5));
        byte[] content = new PseudoRandomBytes(11).bytes(0, 10_000);
        UploadId upload = UploadId.random();
        long mark = System.nanoTime();
        // Expect: 100-continue: the refusal comes before a byte of the client's body is read
        proxy.failNext(2, 503, request -> request.method().equals("PUT") && request.target().contains("/segments/"));

        assertThat(store.writeUpload(upload, 0, new ByteArrayInputStream(content))).isEqualTo(content.length);

        assertThat(proxy.exchangesSince(mark)).filteredOn(e -> e.request().target().contains("/segments/"))
                .extracting(FaultProxy.Exchange::status).containsExactly(503, 503, 201);
        Digest digest = Digest.of(DigestAlgorithm.SHA256, content);
        store.commitUpload(upload, digest);
        assertThat(readAll(store, digest)).isEqualTo(content);
    }

    @Test
    void aSegmentUploadWhoseStoreStopsAnsweringFailsInsteadOfHanging() throws IOException {
        BlobStore store = storeThroughProxy(SHORT_TIMEOUT);
        UploadId upload = UploadId.random();
        store.writeUpload(upload, 0, new ByteArrayInputStream(new byte[] {1}));
        proxy.delayAnswers(SHORT_TIMEOUT.multipliedBy(5),
                request -> request.method().equals("PUT") && request.target().contains("/segments/"));

        // the body was read, so the request is not sent again: the client's retry is the remedy
        assertThatThrownBy(() -> store.writeUpload(upload, 1, new ByteArrayInputStream(new byte[] {2, 3})))
                .isInstanceOf(IOException.class).hasMessageContaining("no progress");

        proxy.passThrough();
        assertThat(store.uploadSize(upload)).as("the marker still says what was confirmed").isEqualTo(1);
        store.deleteUpload(upload);
    }

    @Test
    void aSegmentUploadLongerThanTheTimeoutThatKeepsMovingIsNotCutOff() throws IOException {
        BlobStore store = storeThroughProxy(SHORT_TIMEOUT);
        byte[] content = new PseudoRandomBytes(12).bytes(0, 40);
        UploadId upload = UploadId.random();

        // a client that sends a byte every 100 ms: 4 s for the segment, each gap well inside the timeout
        assertThat(store.writeUpload(upload, 0, new Trickle(content, Duration.ofMillis(100))))
                .isEqualTo(content.length);

        try (InputStream in = store.readUpload(upload, 0)) {
            assertThat(in.readAllBytes()).isEqualTo(content);
        }
        store.deleteUpload(upload);
    }

    @Test
    void errorsNameWhatSwiftAnswered() throws IOException {
        BlobStore store = storeThroughProxy(Duration.ofSeconds(5));
        UploadId upload = UploadId.random();
        assertThat(store.uploadSize(upload)).isZero();
        proxy.failAll(500);

        assertThatThrownBy(() -> store.readUpload(upload, 0)).isExactlyInstanceOf(IOException.class)
                .hasMessage("Swift answered 500 reading upload " + upload);
    }

    /** One byte per read, each after a pause. */
    private static final class Trickle extends InputStream {
        private final byte[] content;
        private final Duration pause;
        private int next;

        Trickle(byte[] content, Duration pause) {
            this.content = content;
            this.pause = pause;
        }

        @Override
        public int read() throws IOException {
            if (next == content.length) {
                return -1;
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            return content[next++] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            int b = read();
            if (b < 0) {
                return -1;
            }
            buffer[offset] = (byte) b;
            return 1;
        }
    }
}
