package dev.berth.application.registry;

import dev.berth.application.port.UploadSession;
import dev.berth.domain.Digest;
import dev.berth.domain.DigestAlgorithm;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.error.BlobUnknownException;
import dev.berth.domain.error.BlobUploadInvalidException;
import dev.berth.domain.error.BlobUploadUnknownException;
import dev.berth.domain.error.DigestInvalidException;
import dev.berth.domain.error.NameUnknownException;
import dev.berth.domain.error.RangeInvalidException;
import dev.berth.domain.error.TooManyRequestsException;
import dev.berth.domain.error.UnavailableException;
import dev.berth.domain.error.UnsupportedException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalLong;

import static dev.berth.application.registry.TestRegistry.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BlobUseCasesTest {

    private final TestRegistry registry = new TestRegistry();
    private final RepositoryName repo = RepositoryName.parse("team/app");

    private static InputStream in(byte[] bytes) {
        return new ByteArrayInputStream(bytes);
    }

    private static byte[] read(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }

    @Test
    void monolithicUploadStoresLinksAndForgetsTheSession() throws IOException {
        byte[] content = bytes("layer bytes");
        Digest digest = registry.push(repo, content);

        assertThat(registry.getBlob().find(repo, digest).size()).isEqualTo(content.length);
        assertThat(read(registry.getBlob().open(registry.getBlob().find(repo, digest), 0, content.length))).isEqualTo(content);
        assertThat(read(registry.getBlob().open(registry.getBlob().find(repo, digest), 6, 5))).isEqualTo(bytes("bytes"));
        assertThat(registry.blobs.uploadsInProgress()).isZero();
    }

    @Test
    void blobIsRedirectedToTheDriversDirectUrlUnlessRedirectsAreDisabled() {
        Digest digest = registry.push(repo, bytes("layer bytes"));
        LinkedBlob blob = registry.getBlob().find(repo, digest);

        assertThat(registry.getBlob().directUrl(blob)).as("the driver has no direct URLs yet").isEmpty();
        registry.blobs.serveDirectUrlsAt(java.net.URI.create("https://bucket.example/"));
        assertThat(registry.getBlob().directUrl(blob)).hasValue(java.net.URI.create("https://bucket.example/" + digest));

        TestRegistry noRedirects = new TestRegistry(true, 100, false);
        noRedirects.blobs.serveDirectUrlsAt(java.net.URI.create("https://bucket.example/"));
        Digest pushed = noRedirects.push(repo, bytes("layer bytes"));
        assertThat(noRedirects.getBlob().directUrl(noRedirects.getBlob().find(repo, pushed))).isEmpty();
    }

    @Test
    void chunksContinueOnAnotherNodeWithoutItsHashState() {
        byte[] content = bytes("0123456789abcdefghij");
        UploadSession session = registry.start().start(repo, "");
        registry.append(registry.writer).append(repo, session.id(), "", OptionalLong.of(0), OptionalLong.of(10),
                in(Arrays.copyOfRange(content, 0, 10)));
        // a second node (or a restarted one) has no cached state: it hashes the stored bytes again
        UploadWriter otherNode = registry.writer(new UploadHashStates());
        UploadSession after = registry.append(otherNode).append(repo, session.id(), "", OptionalLong.of(10),
                OptionalLong.empty(), in(Arrays.copyOfRange(content, 10, 20)));
        assertThat(after.offset()).isEqualTo(20);

        Digest digest = Digest.of(DigestAlgorithm.SHA256, content);
        long size = registry.complete(registry.writer).complete(repo, session.id(), "", digest, OptionalLong.empty(),
                OptionalLong.of(0), in(new byte[0]));
        assertThat(size).isEqualTo(20);
        assertThat(registry.getBlob().find(repo, digest).size()).isEqualTo(20);
    }

    @Test
    void sha512DigestsAreVerifiedToo() {
        byte[] content = bytes("sha512 content");
        UploadSession session = registry.start().start(repo, "");
        Digest digest = Digest.of(DigestAlgorithm.SHA512, content);
        registry.complete(registry.writer).complete(repo, session.id(), "", digest, OptionalLong.empty(),
                OptionalLong.of(content.length), in(content));
        assertThat(registry.getBlob().find(repo, digest).size()).isEqualTo(content.length);
    }

    @Test
    void outOfOrderChunkIsARangeErrorAndChangesNothing() {
        UploadSession session = registry.start().start(repo, "");
        registry.append(registry.writer).append(repo, session.id(), "", OptionalLong.of(0), OptionalLong.of(3), in(bytes("abc")));

        assertThatThrownBy(() -> registry.append(registry.writer).append(repo, session.id(), "", OptionalLong.of(5),
                OptionalLong.of(3), in(bytes("xyz")))).isInstanceOf(RangeInvalidException.class);
        assertThat(registry.metadata.find(repo, session.id()).orElseThrow().offset()).isEqualTo(3);
    }

    @Test
    void aChunkShorterThanDeclaredIsRefusedAndCanBeRetried() {
        UploadSession session = registry.start().start(repo, "");
        assertThatThrownBy(() -> registry.append(registry.writer).append(repo, session.id(), "", OptionalLong.of(0),
                OptionalLong.of(10), in(bytes("abc")))).isInstanceOf(BlobUploadInvalidException.class);
        assertThat(registry.metadata.find(repo, session.id()).orElseThrow().offset()).isZero();

        registry.append(registry.writer).append(repo, session.id(), "", OptionalLong.of(0), OptionalLong.of(4), in(bytes("abcd")));
        Digest digest = Digest.of(DigestAlgorithm.SHA256, bytes("abcd"));
        registry.complete(registry.writer).complete(repo, session.id(), "", digest, OptionalLong.empty(), OptionalLong.of(0),
                in(new byte[0]));
        assertThat(registry.getBlob().find(repo, digest).size()).isEqualTo(4);
    }

    @Test
    void digestMismatchDiscardsTheUploadAndStoresNothing() {
        UploadSession session = registry.start().start(repo, "");
        Digest claimed = Digest.of(DigestAlgorithm.SHA256, bytes("something else"));

        assertThatThrownBy(() -> registry.complete(registry.writer).complete(repo, session.id(), "", claimed,
                OptionalLong.empty(), OptionalLong.of(4), in(bytes("real")))).isInstanceOf(DigestInvalidException.class);
        assertThat(registry.blobs.stores(claimed)).isFalse();
        assertThat(registry.blobs.stores(Digest.of(DigestAlgorithm.SHA256, bytes("real")))).isFalse();
        assertThat(registry.blobs.uploadsInProgress()).isZero();
        assertThatThrownBy(() -> new GetUploadStatus(registry.writer).status(repo, session.id(), ""))
                .isInstanceOf(BlobUploadUnknownException.class);
        assertThatThrownBy(() -> registry.getBlob().find(repo, claimed).size()).isInstanceOf(BlobUnknownException.class);
    }

    @Test
    void aSecondWriterIsRefusedWhileTheFirstStreams() throws Exception {
        UploadSession session = registry.start().start(repo, "");
        java.util.concurrent.CountDownLatch streaming = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        InputStream slow = new InputStream() {
            private int sent;

            @Override
            public int read() throws IOException {
                if (sent == 0) {
                    streaming.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        throw new IOException(e);
                    }
                }
                return sent < 3 ? "abc".charAt(sent++) : -1;
            }
        };
        Thread first = Thread.ofPlatform().start(() -> registry.append(registry.writer).append(repo, session.id(), "",
                OptionalLong.of(0), OptionalLong.of(3), slow));
        streaming.await();

        assertThatThrownBy(() -> registry.append(registry.writer).append(repo, session.id(), "", OptionalLong.of(0),
                OptionalLong.of(3), in(bytes("xyz")))).isInstanceOf(RangeInvalidException.class);
        assertThatThrownBy(() -> registry.complete(registry.writer).complete(repo, session.id(), "",
                Digest.of(DigestAlgorithm.SHA256, bytes("abc")), OptionalLong.empty(), OptionalLong.of(0), in(new byte[0])))
                .isInstanceOf(RangeInvalidException.class);
        release.countDown();
        first.join();

        Digest digest = Digest.of(DigestAlgorithm.SHA256, bytes("abc"));
        registry.complete(registry.writer).complete(repo, session.id(), "", digest, OptionalLong.empty(), OptionalLong.of(0),
                in(new byte[0]));
        assertThat(registry.getBlob().find(repo, digest).size()).isEqualTo(3);
    }

    @Test
    void aFailedChunksLeftoverTailIsNotCommitted() throws IOException {
        UploadSession session = registry.start().start(repo, "");
        registry.append(registry.writer).append(repo, session.id(), "", OptionalLong.of(0), OptionalLong.of(3), in(bytes("abc")));
        assertThatThrownBy(() -> registry.append(registry.writer).append(repo, session.id(), "", OptionalLong.of(3),
                OptionalLong.of(10), in(bytes("def")))).isInstanceOf(BlobUploadInvalidException.class);
        assertThat(registry.blobs.uploadSize(session.id())).as("the failed chunk's bytes are stored").isEqualTo(6);

        Digest digest = Digest.of(DigestAlgorithm.SHA256, bytes("abc"));
        registry.complete(registry.writer).complete(repo, session.id(), "", digest, OptionalLong.empty(), OptionalLong.of(0),
                in(new byte[0]));
        assertThat(read(registry.getBlob().open(registry.getBlob().find(repo, digest), 0, 3))).isEqualTo(bytes("abc"));
    }

    @Test
    void bytesChangedBehindTheHashStatesBackAreNeverCommitted() throws IOException {
        UploadSession session = registry.start().start(repo, "");
        registry.append(registry.writer).append(repo, session.id(), "", OptionalLong.of(0), OptionalLong.of(3), in(bytes("abc")));
        // another node replaced the stored bytes with fewer after this node hashed "abc"
        registry.blobs.deleteUpload(session.id());
        registry.blobs.writeUpload(session.id(), 0, in(bytes("ab")));
        Digest checked = Digest.of(DigestAlgorithm.SHA256, bytes("abc"));

        assertThatThrownBy(() -> registry.complete(registry.writer).complete(repo, session.id(), "", checked,
                OptionalLong.empty(), OptionalLong.of(0), in(new byte[0]))).isInstanceOf(DigestInvalidException.class);
        assertThat(registry.blobs.stores(checked)).isFalse();
        assertThat(registry.blobs.uploadsInProgress()).as("the upload's bytes are released").isZero();
        assertThatThrownBy(() -> registry.getBlob().find(repo, checked)).isInstanceOf(BlobUnknownException.class);
    }

    @Test
    void aWriterThatLosesARaceReleasesTheBytesSoTheWinnerCannotCommitThem() {
        UploadSession session = registry.start().start(repo, "");
        // two nodes: each its own lock and hash states, one metadata store and one blob store
        UploadWriter nodeA = new UploadWriter(registry.metadata, registry.blobs, new UploadHashStates(),
                new UploadLocks(registry.metadata, registry.clock), registry.clock, registry.mode());
        UploadWriter nodeB = new UploadWriter(registry.metadata, registry.blobs, new UploadHashStates(),
                new UploadLocks(registry.metadata, registry.clock), registry.clock, registry.mode());
        // B reads the session at offset 0 and streams "xyz" for longer than its lease; A then writes "abc" at 0
        InputStream slowB = new ByteArrayInputStream(bytes("xyz")) {
            private boolean first = true;

            @Override
            public synchronized int read(byte[] buffer, int offset, int length) {
                if (first) {
                    first = false;
                    registry.clock.advance(UploadLocks.LEASE.plusSeconds(1));
                    registry.append(nodeA).append(repo, session.id(), "", OptionalLong.of(0), OptionalLong.of(3),
                            in(bytes("abc")));
                }
                return super.read(buffer, offset, length);
            }
        };
        assertThatThrownBy(() -> registry.append(nodeB).append(repo, session.id(), "", OptionalLong.of(0),
                OptionalLong.of(3), slowB)).isInstanceOf(RangeInvalidException.class);

        Digest hashedByA = Digest.of(DigestAlgorithm.SHA256, bytes("abc"));
        assertThatThrownBy(() -> registry.complete(nodeA).complete(repo, session.id(), "", hashedByA, OptionalLong.empty(),
                OptionalLong.of(0), in(new byte[0]))).isInstanceOf(DigestInvalidException.class);
        assertThat(registry.blobs.stores(hashedByA)).as("B's bytes never become A's content").isFalse();
        assertThat(registry.blobs.stores(Digest.of(DigestAlgorithm.SHA256, bytes("xyz")))).isFalse();
        assertThatThrownBy(() -> registry.getBlob().find(repo, hashedByA)).isInstanceOf(BlobUnknownException.class);
    }

    @Test
    void aSecondWriterIsRefusedWhileTheFirstStreamsAndTheUploadGoesOn() {
        UploadSession session = registry.start().start(repo, "");
        UploadWriter nodeA = registry.writer(new UploadHashStates());
        UploadWriter nodeB = new UploadWriter(registry.metadata, registry.blobs, new UploadHashStates(),
                new UploadLocks(registry.metadata, registry.clock), registry.clock, registry.mode());
        // while A streams "abc", B tries to write "xyz" at the same offset (a client retrying on another node)
        java.util.concurrent.atomic.AtomicReference<Throwable> refused = new java.util.concurrent.atomic.AtomicReference<>();
        InputStream slowA = new ByteArrayInputStream(bytes("abc")) {
            private boolean first = true;

            @Override
            public synchronized int read(byte[] buffer, int offset, int length) {
                if (first) {
                    first = false;
                    try {
                        registry.append(nodeB).append(repo, session.id(), "", OptionalLong.of(0), OptionalLong.of(3),
                                in(bytes("xyz")));
                    } catch (RuntimeException e) {
                        refused.set(e);
                    }
                }
                return super.read(buffer, offset, length);
            }
        };
        registry.append(nodeA).append(repo, session.id(), "", OptionalLong.of(0), OptionalLong.of(3), slowA);

        assertThat(refused.get()).as("refused at once, not after A").isInstanceOf(RangeInvalidException.class);
        Digest digest = Digest.of(DigestAlgorithm.SHA256, bytes("abcdef"));
        registry.complete(nodeB).complete(repo, session.id(), "", digest, OptionalLong.empty(), OptionalLong.of(3),
                in(bytes("def")));
        assertThat(registry.getBlob().find(repo, digest).size()).as("completed on the other node").isEqualTo(6);
    }

    @Test
    void theNormalPathReadsNoStoredByteTwice() {
        UploadSession session = registry.start().start(repo, "");
        registry.append(registry.writer).append(repo, session.id(), "", OptionalLong.of(0), OptionalLong.of(3), in(bytes("abc")));
        Digest digest = Digest.of(DigestAlgorithm.SHA256, bytes("abcdef"));

        registry.complete(registry.writer).complete(repo, session.id(), "", digest, OptionalLong.empty(), OptionalLong.of(3),
                in(bytes("def")));

        assertThat(registry.getBlob().find(repo, digest).size()).isEqualTo(6);
        assertThat(registry.blobs.uploadReads()).as("the hash state covered every stored byte").isZero();
    }

    @Test
    void aFullVolumeDiscardsTheUploadAtOnceSoTheNextPushFits() {
        registry.blobs.limitCapacityTo(10);
        UploadSession large = registry.start().start(repo, "");
        registry.append(registry.writer).append(repo, large.id(), "", OptionalLong.of(0), OptionalLong.of(6), in(bytes("abcdef")));

        assertThatThrownBy(() -> registry.append(registry.writer).append(repo, large.id(), "", OptionalLong.of(6),
                OptionalLong.of(6), in(bytes("ghijkl"))))
                .isInstanceOf(UnavailableException.class)
                .satisfies(e -> assertThat(((UnavailableException) e).detail())
                        .startsWith("no space left on the storage volume"));
        assertThat(registry.blobs.uploadsInProgress()).as("the failed upload's bytes are released").isZero();
        assertThat(registry.metadata.find(repo, large.id())).as("and its session").isEmpty();

        Digest small = registry.push(repo, bytes("0123456789"));
        assertThat(registry.getBlob().find(repo, small).size()).isEqualTo(10);
    }

    @Test
    void uploadsBelongToTheirRepository() {
        UploadSession session = registry.start().start(repo, "");
        RepositoryName other = RepositoryName.parse("team/other");
        assertThatThrownBy(() -> new GetUploadStatus(registry.writer).status(other, session.id(), ""))
                .isInstanceOf(BlobUploadUnknownException.class);
    }

    /** Issue 12: another user with push on the repository cannot touch an upload they did not start. */
    @Test
    void anUploadIsOnlyItsStartersToContinueReadOrCancel() {
        UploadSession session = registry.start().start(repo, "alice");
        registry.append(registry.writer).append(repo, session.id(), "alice", OptionalLong.of(0), OptionalLong.of(3),
                in(bytes("abc")));

        assertThatThrownBy(() -> registry.append(registry.writer).append(repo, session.id(), "bob", OptionalLong.of(3),
                OptionalLong.of(3), in(bytes("def")))).isInstanceOf(BlobUploadUnknownException.class);
        assertThatThrownBy(() -> registry.complete(registry.writer).complete(repo, session.id(), "bob",
                Digest.of(DigestAlgorithm.SHA256, bytes("abc")), OptionalLong.empty(), OptionalLong.of(0), in(new byte[0])))
                .isInstanceOf(BlobUploadUnknownException.class);
        assertThatThrownBy(() -> new GetUploadStatus(registry.writer).status(repo, session.id(), "bob"))
                .isInstanceOf(BlobUploadUnknownException.class);
        assertThatThrownBy(() -> new GetUploadStatus(registry.writer).status(repo, session.id(), ""))
                .isInstanceOf(BlobUploadUnknownException.class);
        assertThatThrownBy(() -> new CancelBlobUpload(registry.writer).cancel(repo, session.id(), "bob"))
                .isInstanceOf(BlobUploadUnknownException.class);

        assertThat(new GetUploadStatus(registry.writer).status(repo, session.id(), "alice").offset()).isEqualTo(3);
        registry.complete(registry.writer).complete(repo, session.id(), "alice", Digest.of(DigestAlgorithm.SHA256, bytes("abc")),
                OptionalLong.empty(), OptionalLong.of(0), in(new byte[0]));
    }

    /** Issue 12: one user's uploads in progress are bounded; given-up ones stop counting after an hour. */
    @Test
    void aUserHasAtMost1000UploadsInProgress() {
        StartBlobUpload start = registry.start();
        for (int i = 0; i < StartBlobUpload.MAX_ACTIVE_PER_USER; i++) {
            start.start(repo, "ci");
        }
        assertThatThrownBy(() -> start.start(repo, "ci")).isInstanceOfSatisfying(TooManyRequestsException.class,
                e -> assertThat(e.detail()).contains("1000 uploads in progress"));
        assertThat(start.start(repo, "dev").startedBy()).as("another user is not held back").isEqualTo("dev");
        assertThat(start.start(repo, "").startedBy()).as("open mode has no users to count").isEmpty();

        registry.clock.advance(java.time.Duration.ofMinutes(61));
        assertThat(start.start(repo, "ci").startedBy()).as("uploads given up an hour ago no longer count").isEqualTo("ci");
    }

    @Test
    void cancelRemovesSessionAndBytes() {
        UploadSession session = registry.start().start(repo, "");
        registry.append(registry.writer).append(repo, session.id(), "", OptionalLong.empty(), OptionalLong.empty(), in(bytes("abc")));
        new CancelBlobUpload(registry.writer).cancel(repo, session.id(), "");
        assertThat(registry.blobs.uploadsInProgress()).isZero();
        assertThat(registry.metadata.find(repo, session.id())).isEmpty();
    }

    @Test
    void rangesOutsideTheBlobAreRefused() {
        Digest digest = registry.push(repo, bytes("0123456789"));
        assertThatThrownBy(() -> registry.getBlob().open(registry.getBlob().find(repo, digest), 5, 6)).isInstanceOf(RangeInvalidException.class);
    }

    @Test
    void blobsAreVisibleOnlyWhereLinkedAndUnknownRepositoriesAreNamed() {
        Digest digest = registry.push(repo, bytes("private"));
        RepositoryName other = RepositoryName.parse("team/other");
        registry.push(other, bytes("x"));
        assertThatThrownBy(() -> registry.getBlob().find(other, digest).size()).isInstanceOf(BlobUnknownException.class);
        assertThatThrownBy(() -> registry.getBlob().find(RepositoryName.parse("nobody/here"), digest).size())
                .isInstanceOf(NameUnknownException.class);
    }

    @Test
    void mountLinksFromTheSourceOrAnywhereOrNotAtAll() {
        Digest digest = registry.push(repo, bytes("shared layer"));
        RepositoryName target = RepositoryName.parse("team/target");
        assertThat(registry.mount().mount(target, digest, Optional.of(repo))).hasValue(12);
        assertThat(registry.getBlob().find(target, digest).size()).isEqualTo(12);

        RepositoryName empty = RepositoryName.parse("team/empty");
        registry.push(empty, bytes("y"));
        Digest absent = Digest.of(DigestAlgorithm.SHA256, bytes("absent"));
        assertThat(registry.mount().mount(target, absent, Optional.of(repo))).isEmpty();
        assertThat(registry.mount().mount(RepositoryName.parse("team/third"), digest, Optional.of(empty))).isEmpty();
        assertThat(registry.mount().mount(RepositoryName.parse("team/third"), digest, Optional.empty())).hasValue(12);
    }

    @Test
    void deletingABlobNeedsDeletesEnabled() {
        TestRegistry readOnly = new TestRegistry(false, 100);
        Digest digest = readOnly.push(repo, bytes("keep"));
        assertThatThrownBy(() -> readOnly.deleteBlob().delete(repo, digest)).isInstanceOf(UnsupportedException.class);

        Digest other = registry.push(repo, bytes("drop"));
        registry.deleteBlob().delete(repo, other);
        assertThatThrownBy(() -> registry.getBlob().find(repo, other).size()).isInstanceOf(BlobUnknownException.class);
        assertThatThrownBy(() -> registry.deleteBlob().delete(repo, other)).isInstanceOf(BlobUnknownException.class);
    }
}
