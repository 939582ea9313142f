package dev.berth.adapters.storage.contract;

import dev.berth.application.port.BlobStore;
import dev.berth.domain.Digest;
import dev.berth.domain.DigestAlgorithm;
import dev.berth.domain.Digester;
import dev.berth.domain.UploadId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every {@link BlobStore} driver must do. A driver proves it with one short class:
 * <pre>
 * class S3BlobStoreTest extends BlobStoreContract {
 *     &#64;Override
 *     protected BlobStore newStore() {
 *         return new S3BlobStore(bucket);
 *     }
 * }
 * </pre>
 * This class ships in the test-jar of {@code berth-adapters-storage}
 * ({@code <type>test-jar</type>}, {@code <scope>test</scope>}).
 */
public abstract class BlobStoreContract {

    private static final PseudoRandomBytes CONTENT = new PseudoRandomBytes(42);

    /** The store under test, from {@link #newStore()} before each test. */
    protected BlobStore store;

    /** A store over fresh, empty backing storage, or over the same storage when called again within a test. */
    protected abstract BlobStore newStore() throws IOException;

    /**
     * A new instance over {@code previous}'s backing storage, as after a restart. The default,
     * {@link #newStore()}, suits drivers whose {@code newStore()} reopens the same storage within a test.
     */
    protected BlobStore reopen(BlobStore previous) throws IOException {
        return newStore();
    }

    /** Size of the blob streamed by {@link #largeBlobStreamsThroughIntact()}; fast drivers may raise it. */
    protected long largeBlobSize() {
        return 64L << 20;
    }

    /** Fails if any upload is left in the backing storage; drivers may check more than the listing. */
    protected void assertNoUploadsLeft() throws IOException {
        try (Stream<BlobStore.StoredUpload> uploads = store.listUploads()) {
            assertThat(uploads).isEmpty();
        }
    }

    /** Whether the driver hands out {@link BlobStore#directUrl direct URLs}; the kit then fetches them. */
    protected boolean servesDirectUrls() {
        return false;
    }

    /**
     * Writes entries into the backing storage that the driver did not make (a stray file, a key with
     * a wrong fan-out, a name that is no digest or upload id), to prove listings skip them. The
     * default plants nothing; drivers over a plain key space should override it.
     */
    protected void plantStrayEntries() throws IOException {
    }

    @BeforeEach
    void openStore() throws IOException {
        store = newStore();
    }

    /**
     * Removes everything the test made, through the SPI alone, and checks that nothing is left: the
     * kit can run against a real bucket (give it a prefix of its own) and leave it as it found it.
     */
    @AfterEach
    void leaveNothingBehind() throws IOException {
        try (Stream<Digest> content = store.listContent()) {
            for (Digest digest : content.toList()) {
                store.delete(digest);
            }
        }
        try (Stream<BlobStore.StoredUpload> uploads = store.listUploads()) {
            for (BlobStore.StoredUpload upload : uploads.toList()) {
                store.deleteUpload(upload.upload());
            }
        }
        try (Stream<Digest> content = store.listContent()) {
            assertThat(content).isEmpty();
        }
        assertNoUploadsLeft();
    }

    @Test
    void describesItself() {
        assertThat(store.driverName()).isNotBlank();
        assertThat(store.location()).isNotBlank();
    }

    @Test
    void emptyUploadCommitsAsTheEmptyBlob() throws IOException {
        UploadId upload = UploadId.random();

        assertThat(store.writeUpload(upload, 0, InputStream.nullInputStream())).isZero();
        store.commitUpload(upload, Digest.EMPTY_BLOB);

        assertThat(store.size(Digest.EMPTY_BLOB)).hasValue(0);
        assertThat(read(Digest.EMPTY_BLOB, 0, 0)).isEmpty();
        assertNoUploadsLeft();
    }

    @ParameterizedTest
    @EnumSource(DigestAlgorithm.class)
    void uploadThatNeverReceivedBytesCommitsAsTheEmptyBlob(DigestAlgorithm algorithm) throws IOException {
        Digest empty = algorithm.newDigester().finish();

        store.commitUpload(UploadId.random(), empty);

        assertThat(store.size(empty)).hasValue(0);
        assertNoUploadsLeft();
    }

    @Test
    void missingUploadIsNeverCommittedUnderAnotherDigest() throws IOException {
        Digest digest = Digest.of(DigestAlgorithm.SHA256, CONTENT.bytes(0, 10));

        assertThatThrownBy(() -> store.commitUpload(UploadId.random(), digest)).isInstanceOf(IOException.class);

        assertThat(store.size(digest)).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(DigestAlgorithm.class)
    void smallBlobRoundTripsByteForByte(DigestAlgorithm algorithm) throws IOException {
        byte[] content = CONTENT.bytes(0, 1000);

        Digest digest = push(algorithm, content);

        assertThat(store.size(digest)).hasValue(content.length);
        assertThat(read(digest, 0, content.length)).isEqualTo(content);
        assertNoUploadsLeft();
    }

    @Test
    void unknownContentHasNoSizeAndCannotBeRead() throws IOException {
        Digest unknown = Digest.of(DigestAlgorithm.SHA256, CONTENT.bytes(0, 3));

        assertThat(store.size(unknown)).isEmpty();
        assertThatThrownBy(() -> store.read(unknown, 0, 0)).isInstanceOf(IOException.class);
    }

    @Test
    void contentIsInvisibleUntilCommitted() throws IOException {
        byte[] content = CONTENT.bytes(0, 500);
        Digest digest = Digest.of(DigestAlgorithm.SHA256, content);
        UploadId upload = UploadId.random();

        store.writeUpload(upload, 0, new ByteArrayInputStream(content));

        assertThat(store.size(digest)).isEmpty();
        store.commitUpload(upload, digest);
        assertThat(store.size(digest)).hasValue(content.length);
    }

    @Test
    void largeBlobStreamsThroughIntact() throws IOException {
        long size = largeBlobSize();
        Digest expected = digest(CONTENT.stream(0, size));
        UploadId upload = UploadId.random();

        assertThat(store.writeUpload(upload, 0, CONTENT.stream(0, size))).isEqualTo(size);
        assertThat(store.uploadSize(upload)).isEqualTo(size);
        store.commitUpload(upload, expected);

        assertThat(store.size(expected)).hasValue(size);
        try (InputStream in = store.read(expected, 0, size)) {
            assertThat(digest(in)).isEqualTo(expected);
        }
        assertThat(read(expected, size - 4099, 4099)).isEqualTo(CONTENT.bytes(size - 4099, 4099));
        assertNoUploadsLeft();
    }

    @Test
    void readsAnyRange() throws IOException {
        byte[] content = CONTENT.bytes(0, 10_000);
        Digest digest = push(DigestAlgorithm.SHA256, content);

        assertThat(read(digest, 0, 1)).containsExactly(content[0]);
        assertThat(read(digest, 9_999, 1)).containsExactly(content[9_999]);
        assertThat(read(digest, 1234, 5678)).isEqualTo(slice(content, 1234, 5678));
        assertThat(read(digest, 0, 10_000)).isEqualTo(content);
        assertThat(read(digest, 0, 0)).isEmpty();
        assertThat(read(digest, 5000, 0)).isEmpty();
        assertThat(read(digest, 10_000, 0)).isEmpty();
    }

    @Test
    void rangeBeyondTheContentIsRefusedRatherThanCutShort() throws IOException {
        Digest digest = push(DigestAlgorithm.SHA256, CONTENT.bytes(0, 100));

        assertThatThrownBy(() -> store.read(digest, 90, 11)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> store.read(digest, 101, 0)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> store.read(digest, -1, 1)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void appendsAcrossManyChunks() throws IOException {
        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        UploadId upload = UploadId.random();
        long offset = 0;
        for (int i = 0; i < 50; i++) {
            // odd sizes, one of them empty, so no chunk lines up with a buffer boundary
            int length = i == 25 ? 0 : 1 + (i * 7919) % 40_009;
            byte[] chunk = CONTENT.bytes(offset, length);
            whole.writeBytes(chunk);

            offset = store.writeUpload(upload, offset, new ByteArrayInputStream(chunk));

            assertThat(offset).isEqualTo(whole.size());
        }
        assertThat(store.uploadSize(upload)).isEqualTo(whole.size());
        Digest digest = Digest.of(DigestAlgorithm.SHA256, whole.toByteArray());

        store.commitUpload(upload, digest);

        assertThat(read(digest, 0, whole.size())).isEqualTo(whole.toByteArray());
        assertNoUploadsLeft();
    }

    @Test
    void uploadContinuesAfterARestart() throws IOException {
        byte[] content = CONTENT.bytes(0, 3 * 1024 * 1024 + 5);
        int half = content.length / 2;
        Digest digest = Digest.of(DigestAlgorithm.SHA256, content);
        UploadId upload = UploadId.random();
        store.writeUpload(upload, 0, new ByteArrayInputStream(content, 0, half));

        BlobStore restarted = reopen(store);

        assertThat(restarted.uploadSize(upload)).isEqualTo(half);
        try (InputStream written = restarted.readUpload(upload, 0)) {
            assertThat(digest(written)).isEqualTo(Digest.of(DigestAlgorithm.SHA256, slice(content, 0, half)));
        }
        restarted.writeUpload(upload, half, new ByteArrayInputStream(content, half, content.length - half));
        restarted.commitUpload(upload, digest);
        try (InputStream in = restarted.read(digest, 0, content.length)) {
            assertThat(in.readAllBytes()).isEqualTo(content);
        }
        assertNoUploadsLeft();
    }

    @Test
    void rewritingAtAnEarlierOffsetReplacesTheTail() throws IOException {
        UploadId upload = UploadId.random();
        store.writeUpload(upload, 0, new ByteArrayInputStream(CONTENT.bytes(0, 300)));
        byte[] retried = new PseudoRandomBytes(7).bytes(0, 50);

        assertThat(store.writeUpload(upload, 100, new ByteArrayInputStream(retried))).isEqualTo(150);

        assertThat(store.uploadSize(upload)).isEqualTo(150);
        assertThat(readUpload(upload, 0)).isEqualTo(concat(CONTENT.bytes(0, 100), retried));
    }

    @Test
    void retryingTheSameChunkIsHarmless() throws IOException {
        byte[] first = CONTENT.bytes(0, 1000);
        byte[] second = CONTENT.bytes(1000, 777);
        UploadId upload = UploadId.random();
        store.writeUpload(upload, 0, new ByteArrayInputStream(first));
        store.writeUpload(upload, 1000, new ByteArrayInputStream(second));

        assertThat(store.writeUpload(upload, 1000, new ByteArrayInputStream(second))).isEqualTo(1777);

        Digest digest = Digest.of(DigestAlgorithm.SHA256, concat(first, second));
        store.commitUpload(upload, digest);
        assertThat(read(digest, 0, 1777)).isEqualTo(concat(first, second));
    }

    @Test
    void writingBeyondTheEndIsRefusedAndChangesNothing() throws IOException {
        byte[] content = CONTENT.bytes(0, 100);
        UploadId upload = UploadId.random();
        store.writeUpload(upload, 0, new ByteArrayInputStream(content));

        assertThatThrownBy(() -> store.writeUpload(upload, 101, new ByteArrayInputStream(CONTENT.bytes(0, 10))))
                .isInstanceOf(IllegalStateException.class);

        assertThat(store.uploadSize(upload)).isEqualTo(100);
        assertThat(readUpload(upload, 0)).isEqualTo(content);
    }

    @Test
    void writingAtAnOffsetDoesNotCreateAnUpload() throws IOException {
        UploadId earlier = UploadId.random();
        store.writeUpload(earlier, 0, new ByteArrayInputStream(CONTENT.bytes(0, 10)));
        store.deleteUpload(earlier);
        UploadId upload = UploadId.random();

        assertThatThrownBy(() -> store.writeUpload(upload, 10, new ByteArrayInputStream(CONTENT.bytes(0, 10))))
                .isInstanceOf(IllegalStateException.class);

        assertThat(store.uploadSize(upload)).isZero();
        assertNoUploadsLeft();
    }

    @Test
    void negativeOffsetIsRefused() {
        assertThatThrownBy(() -> store.writeUpload(UploadId.random(), -1, InputStream.nullInputStream()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void readUploadFromAnOffsetReturnsTheRemainingBytes() throws IOException {
        byte[] content = CONTENT.bytes(0, 1000);
        UploadId upload = UploadId.random();
        store.writeUpload(upload, 0, new ByteArrayInputStream(content));

        assertThat(readUpload(upload, 0)).isEqualTo(content);
        assertThat(readUpload(upload, 400)).isEqualTo(slice(content, 400, 600));
        assertThat(readUpload(upload, 1000)).isEmpty();
        assertThatThrownBy(() -> store.readUpload(upload, 1001)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void uploadThatNeverReceivedBytesIsEmpty() throws IOException {
        UploadId upload = UploadId.random();

        assertThat(store.uploadSize(upload)).isZero();
        assertThat(readUpload(upload, 0)).isEmpty();
    }

    @Test
    void uploadsInProgressDoNotInterfere() throws IOException {
        byte[] a = CONTENT.bytes(0, 2000);
        byte[] b = CONTENT.bytes(5000, 2000);
        UploadId uploadA = UploadId.random();
        UploadId uploadB = UploadId.random();

        store.writeUpload(uploadA, 0, new ByteArrayInputStream(a, 0, 1000));
        store.writeUpload(uploadB, 0, new ByteArrayInputStream(b, 0, 1500));
        store.writeUpload(uploadA, 1000, new ByteArrayInputStream(a, 1000, 1000));
        store.writeUpload(uploadB, 1500, new ByteArrayInputStream(b, 1500, 500));

        assertThat(readUpload(uploadA, 0)).isEqualTo(a);
        assertThat(readUpload(uploadB, 0)).isEqualTo(b);
    }

    @Test
    void concurrentPushesOfTheSameContentAllSucceed() throws Exception {
        int writers = 8;
        try (ExecutorService pool = Executors.newFixedThreadPool(writers)) {
            for (int round = 0; round < 3; round++) {
                byte[] content = CONTENT.bytes(round * 1_000_000L, 300_000 + round);
                Digest digest = Digest.of(DigestAlgorithm.SHA256, content);
                CyclicBarrier commitTogether = new CyclicBarrier(writers);
                List<Future<?>> pushes = new ArrayList<>();
                for (int i = 0; i < writers; i++) {
                    pushes.add(pool.submit(() -> {
                        UploadId upload = UploadId.random();
                        store.writeUpload(upload, 0, new ByteArrayInputStream(content));
                        commitTogether.await();
                        store.commitUpload(upload, digest);
                        return null;
                    }));
                }
                for (Future<?> push : pushes) {
                    push.get();
                }

                assertThat(read(digest, 0, content.length)).isEqualTo(content);
            }
        }
        assertNoUploadsLeft();
    }

    @Test
    void committingContentThatExistsDiscardsTheUpload() throws IOException {
        byte[] content = CONTENT.bytes(0, 4096);
        Digest digest = push(DigestAlgorithm.SHA256, content);
        UploadId duplicate = UploadId.random();
        store.writeUpload(duplicate, 0, new ByteArrayInputStream(content));

        store.commitUpload(duplicate, digest);
        store.commitUpload(duplicate, digest);

        assertThat(store.uploadSize(duplicate)).isZero();
        assertThat(read(digest, 0, content.length)).isEqualTo(content);
        assertNoUploadsLeft();
    }

    @Test
    void deletedUploadIsGone() throws IOException {
        byte[] content = CONTENT.bytes(0, 100);
        UploadId upload = UploadId.random();
        store.writeUpload(upload, 0, new ByteArrayInputStream(content));

        store.deleteUpload(upload);

        assertThat(store.uploadSize(upload)).isZero();
        assertThat(readUpload(upload, 0)).isEmpty();
        Digest digest = Digest.of(DigestAlgorithm.SHA256, content);
        assertThatThrownBy(() -> store.commitUpload(upload, digest)).isInstanceOf(IOException.class);
        assertThat(store.size(digest)).isEmpty();
        assertNoUploadsLeft();
    }

    @Test
    void deletedContentIsGone() throws IOException {
        Digest digest = push(DigestAlgorithm.SHA256, CONTENT.bytes(0, 100));

        store.delete(digest);

        assertThat(store.size(digest)).isEmpty();
        assertThatThrownBy(() -> store.read(digest, 0, 100)).isInstanceOf(IOException.class);
    }

    @Test
    void deletedContentCanBePushedAgain() throws IOException {
        byte[] content = CONTENT.bytes(0, 100);
        Digest digest = push(DigestAlgorithm.SHA256, content);
        store.delete(digest);

        push(DigestAlgorithm.SHA256, content);

        assertThat(read(digest, 0, 100)).isEqualTo(content);
    }

    @Test
    void deletingWhatDoesNotExistIsANoOp() throws IOException {
        Digest digest = push(DigestAlgorithm.SHA256, CONTENT.bytes(0, 100));
        UploadId upload = UploadId.random();

        store.delete(digest);
        store.delete(digest);
        store.delete(Digest.of(DigestAlgorithm.SHA512, CONTENT.bytes(0, 1)));
        store.deleteUpload(upload);
        store.deleteUpload(upload);

        assertThat(store.size(digest)).isEmpty();
        assertNoUploadsLeft();
    }

    @Test
    void listsExactlyTheCommittedContent() throws IOException {
        Digest a = push(DigestAlgorithm.SHA256, CONTENT.bytes(0, 10));
        Digest b = push(DigestAlgorithm.SHA256, CONTENT.bytes(10, 20));
        Digest c = push(DigestAlgorithm.SHA512, CONTENT.bytes(0, 10));
        Digest deleted = push(DigestAlgorithm.SHA256, CONTENT.bytes(30, 5));
        store.delete(deleted);
        store.writeUpload(UploadId.random(), 0, new ByteArrayInputStream(CONTENT.bytes(50, 50)));
        plantStrayEntries();

        try (Stream<Digest> content = store.listContent()) {
            assertThat(content).containsExactlyInAnyOrder(a, b, c);
        }
    }

    @Test
    void listsUploadsInProgressWithSizeAndLastWrite() throws IOException {
        Instant before = Instant.now();
        UploadId first = UploadId.random();
        UploadId second = UploadId.random();
        UploadId committed = UploadId.random();
        store.writeUpload(first, 0, new ByteArrayInputStream(CONTENT.bytes(0, 100)));
        store.writeUpload(first, 100, new ByteArrayInputStream(CONTENT.bytes(100, 23)));
        store.writeUpload(second, 0, new ByteArrayInputStream(CONTENT.bytes(0, 7)));
        store.writeUpload(committed, 0, new ByteArrayInputStream(CONTENT.bytes(0, 9)));
        store.commitUpload(committed, Digest.of(DigestAlgorithm.SHA256, CONTENT.bytes(0, 9)));
        plantStrayEntries();
        Instant after = Instant.now();

        List<BlobStore.StoredUpload> uploads;
        try (Stream<BlobStore.StoredUpload> listed = store.listUploads()) {
            uploads = listed.toList();
        }

        assertThat(uploads).extracting(BlobStore.StoredUpload::upload).containsExactlyInAnyOrder(first, second);
        assertThat(uploads).filteredOn(u -> u.upload().equals(first)).singleElement()
                .extracting(BlobStore.StoredUpload::size).isEqualTo(123L);
        // generous: a remote store's clock and timestamp granularity differ from ours
        assertThat(uploads).allSatisfy(u -> assertThat(u.lastModified())
                .isBetween(before.minus(Duration.ofMinutes(5)), after.plus(Duration.ofMinutes(5))));
    }

    @Test
    void directUrlServesTheBytesAndRanges() throws Exception {
        byte[] content = CONTENT.bytes(0, 70_000);
        Digest digest = push(DigestAlgorithm.SHA256, content);

        Optional<URI> url = store.directUrl(digest, Duration.ofMinutes(5));

        if (!servesDirectUrls()) {
            assertThat(url).isEmpty();
            return;
        }
        assertThat(url).isPresent();
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<byte[]> whole = http.send(HttpRequest.newBuilder(url.get()).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(whole.statusCode()).isEqualTo(200);
            assertThat(whole.body()).isEqualTo(content);

            HttpResponse<byte[]> range = http.send(HttpRequest.newBuilder(url.get()).header("Range", "bytes=1000-1999")
                    .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(range.statusCode()).isEqualTo(206);
            assertThat(range.body()).isEqualTo(slice(content, 1000, 1000));
        }
    }

    @Test
    void hostileNamesNeverBecomeKeys() {
        // drivers build keys only from these types, which refuse anything but canonical values
        assertThatThrownBy(() -> UploadId.parse("../../etc/passwd")).isInstanceOf(RuntimeException.class);
        assertThatThrownBy(() -> UploadId.parse("5F0C2A9E-0000-0000-0000-000000000000"))
                .isInstanceOf(RuntimeException.class);
        assertThatThrownBy(() -> Digest.parse("sha256:../../" + "a".repeat(58))).isInstanceOf(RuntimeException.class);
        assertThatThrownBy(() -> Digest.parse("sha256:" + "A".repeat(64))).isInstanceOf(RuntimeException.class);
    }

    /** Uploads {@code content} in one chunk and commits it under its digest. */
    protected Digest push(DigestAlgorithm algorithm, byte[] content) throws IOException {
        Digest digest = Digest.of(algorithm, content);
        UploadId upload = UploadId.random();
        store.writeUpload(upload, 0, new ByteArrayInputStream(content));
        store.commitUpload(upload, digest);
        return digest;
    }

    protected byte[] read(Digest digest, long offset, long length) throws IOException {
        try (InputStream in = store.read(digest, offset, length)) {
            return in.readAllBytes();
        }
    }

    private byte[] readUpload(UploadId upload, long offset) throws IOException {
        try (InputStream in = store.readUpload(upload, offset)) {
            return in.readAllBytes();
        }
    }

    /** Hashes a stream of any size without holding it. */
    private static Digest digest(InputStream in) throws IOException {
        Digester digester = DigestAlgorithm.SHA256.newDigester();
        byte[] buffer = new byte[1 << 16];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            digester.update(buffer, 0, n);
        }
        return digester.finish();
    }

    private static byte[] slice(byte[] bytes, int from, int length) {
        return Arrays.copyOfRange(bytes, from, from + length);
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = new byte[first.length + second.length];
        System.arraycopy(first, 0, both, 0, first.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }
}
