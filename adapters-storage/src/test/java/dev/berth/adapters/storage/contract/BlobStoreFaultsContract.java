package dev.berth.adapters.storage.contract;

import dev.berth.adapters.storage.testserver.FaultProxy;
import dev.berth.adapters.storage.testserver.FaultProxy.Exchange;
import dev.berth.application.port.BlobStore;
import dev.berth.domain.Digest;
import dev.berth.domain.DigestAlgorithm;
import dev.berth.domain.UploadId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static dev.berth.adapters.storage.contract.StoredBlobs.push;
import static dev.berth.adapters.storage.contract.StoredBlobs.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What a driver of a remote store must do when the store fails, proven through a {@link FaultProxy}
 * in front of a real or emulated one: a few 5xx are retried with growing waits and the operation
 * succeeds; a store that keeps failing gives the port's {@link IOException} (which Berth answers with
 * {@code 503 UNAVAILABLE}) after the retries, never the SDK's own exception; a store that stops
 * answering fails within the driver's timeout; a commit that fails half-way publishes nothing;
 * and the same instance works again once the store does (no restart).
 *
 * <p>A driver's test class starts its store and a proxy in front of it, and says how its SDK retries.
 */
public abstract class BlobStoreFaultsContract {

    /** Far above what a healthy store on loopback needs, far below a hang. */
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final Duration SHORT_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration RETRIES_BOUND = Duration.ofSeconds(30);

    /** The proxy between the driver and its store; passes everything through after each test. */
    protected abstract FaultProxy proxy();

    /** A new driver instance, on a key space of its own, that reaches the store through {@link #proxy()}. */
    protected abstract BlobStore storeThroughProxy(Duration timeout) throws IOException;

    /** How many times the driver tries a request that keeps failing. */
    protected abstract int attempts();

    /** The least the driver waits before it tries a request again that was answered 503. */
    protected abstract Duration leastBackoff();

    /** A size the driver stores and reads back in more than one piece (part objects, blocks). */
    protected abstract int multiPieceSize();

    /** Whether {@code request} is the one that makes committed content appear under its digest. */
    protected abstract boolean publishesContent(FaultProxy.Request request);

    /** How the driver's error names the store's 503, e.g. {@code S3 answered 503 SlowDown}. */
    protected abstract String describes503();

    @AfterEach
    void passEverythingThroughAgain() {
        proxy().passThrough();
    }

    @Test
    void aFewServerErrorsAreRetriedWithBackoffAndTheOperationsSucceed() throws IOException {
        BlobStore store = storeThroughProxy(TIMEOUT);
        byte[] content = bytes(1, 10_000);
        UploadId upload = UploadId.random();
        long mark = System.nanoTime();
        proxy().failNext(2, 503);

        assertThat(store.writeUpload(upload, 0, new ByteArrayInputStream(content))).isEqualTo(content.length);

        List<Exchange> first = proxy().exchangesSince(mark).subList(0, 3);
        assertThat(first).extracting(FaultProxy.Exchange::injected).containsExactly(true, true, false);
        assertThat(first).extracting(e -> e.request().method() + " " + e.request().target()).as("the same request")
                .containsOnly(first.getFirst().request().method() + " " + first.getFirst().request().target());
        assertThat(gaps(first)).allSatisfy(gap -> assertThat(gap).isGreaterThanOrEqualTo(leastBackoff()));

        long commit = System.nanoTime();
        proxy().failNext(2, 500);
        Digest digest = Digest.of(DigestAlgorithm.SHA256, content);
        store.commitUpload(upload, digest);
        assertThat(proxy().exchangesSince(commit)).filteredOn(Exchange::injected).extracting(Exchange::status)
                .containsExactly(500, 500);
        assertThat(readAll(store, digest)).isEqualTo(content);
    }

    @Test
    void aStoreThatKeepsFailingGivesAStorageErrorAfterItsRetriesAndTheSameInstanceRecovers() throws IOException {
        BlobStore store = storeThroughProxy(TIMEOUT);
        byte[] stored = bytes(2, 10_000);
        Digest digest = push(store, stored);
        UploadId upload = UploadId.random();
        long mark = System.nanoTime();
        proxy().failAll(503);

        assertThatThrownBy(() -> store.writeUpload(upload, 0, new ByteArrayInputStream(bytes(3, 1000))))
                .isExactlyInstanceOf(IOException.class).hasMessageContaining(describes503());

        Duration took = Duration.ofNanos(System.nanoTime() - mark);
        List<Exchange> tries = proxy().exchangesSince(mark);
        assertThat(tries).hasSize(attempts()).allMatch(Exchange::injected);
        List<Duration> waits = gaps(tries);
        assertThat(waits).allSatisfy(wait -> assertThat(wait).isGreaterThanOrEqualTo(leastBackoff()));
        assertThat(waits.getLast()).as("the waits grow").isGreaterThan(waits.getFirst());
        assertThat(took).isLessThan(RETRIES_BOUND);
        // every other operation fails the same way: the port's checked error, never the SDK's own
        for (StoreCall call : List.<StoreCall>of(() -> store.size(digest), () -> store.read(digest, 0, 10).close(),
                () -> store.uploadSize(upload), () -> store.commitUpload(upload, digest),
                () -> store.deleteUpload(upload))) {
            assertThatThrownBy(call::run).isInstanceOf(IOException.class).hasMessageContaining(describes503());
        }

        proxy().passThrough();
        assertThat(readAll(store, digest)).isEqualTo(stored);
        byte[] next = bytes(4, 1000);
        assertThat(readAll(store, push(store, next))).isEqualTo(next);
    }

    @Test
    void aSlowStoreStillServesWithinTheTimeoutAndFailsBeyondItInsteadOfHanging() throws IOException {
        BlobStore store = storeThroughProxy(SHORT_TIMEOUT);
        byte[] content = bytes(5, 1000);
        Digest digest = push(store, content);

        proxy().delayAnswers(SHORT_TIMEOUT.dividedBy(4));
        assertThat(store.size(digest)).hasValue(content.length);

        proxy().delayAnswers(SHORT_TIMEOUT.multipliedBy(3));
        long started = System.nanoTime();
        assertThatThrownBy(() -> store.size(digest)).isInstanceOf(IOException.class);
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(took).isGreaterThanOrEqualTo(SHORT_TIMEOUT)
                .isLessThan(SHORT_TIMEOUT.multipliedBy(attempts()).plus(Duration.ofSeconds(10)));

        proxy().passThrough();
        assertThat(store.size(digest)).hasValue(content.length);
    }

    @Test
    void aCommitThatFailsHalfWayLeavesNoVisibleBlobAndCanBeRetried() throws IOException {
        BlobStore store = storeThroughProxy(TIMEOUT);
        byte[] content = bytes(6, multiPieceSize());
        Digest digest = Digest.of(DigestAlgorithm.SHA256, content);
        UploadId upload = UploadId.random();
        store.writeUpload(upload, 0, new ByteArrayInputStream(content));
        long mark = System.nanoTime();
        proxy().failWhere(503, this::publishesContent);

        assertThatThrownBy(() -> store.commitUpload(upload, digest)).isInstanceOf(IOException.class)
                .hasMessageContaining(describes503());

        assertThat(proxy().exchangesSince(mark)).as("the commit got as far as publishing, and no further")
                .anyMatch(Exchange::injected);
        assertThat(store.size(digest)).as("nothing half-committed is visible").isEmpty();
        assertThatThrownBy(() -> store.read(digest, 0, 1).close()).isInstanceOf(IOException.class);
        try (Stream<Digest> listed = store.listContent()) {
            assertThat(listed).doesNotContain(digest);
        }
        assertThat(store.uploadSize(upload)).as("kept for the client's retry").isEqualTo(content.length);

        proxy().passThrough();
        store.commitUpload(upload, digest);
        assertThat(readAll(store, digest)).isEqualTo(content);
        assertThat(store.uploadSize(upload)).isZero();
    }

    @Test
    void aReadThatLosesTheStoreMidwayFailsWithAStorageError() throws IOException {
        BlobStore store = storeThroughProxy(TIMEOUT);
        byte[] content = bytes(7, multiPieceSize());
        UploadId upload = UploadId.random();
        store.writeUpload(upload, 0, new ByteArrayInputStream(content));

        try (InputStream in = store.readUpload(upload, 0)) {
            assertThat(in.readNBytes(1000)).isEqualTo(Arrays.copyOf(content, 1000));
            proxy().failAll(503);
            // the next piece cannot be fetched
            assertThatThrownBy(in::readAllBytes).isInstanceOf(IOException.class);
        }

        proxy().passThrough();
        try (InputStream in = store.readUpload(upload, 0)) {
            assertThat(in.readAllBytes()).isEqualTo(content);
        }
        store.deleteUpload(upload);
    }

    private interface StoreCall {
        void run() throws IOException;
    }

    private static byte[] bytes(long seed, int length) {
        return new PseudoRandomBytes(seed).bytes(0, length);
    }

    /** The time between one request's arrival and the next one's. */
    private static List<Duration> gaps(List<Exchange> exchanges) {
        List<Duration> gaps = new ArrayList<>();
        for (int i = 1; i < exchanges.size(); i++) {
            gaps.add(Duration.ofNanos(exchanges.get(i).nanos() - exchanges.get(i - 1).nanos()));
        }
        return gaps;
    }
}
