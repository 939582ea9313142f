package dev.berth.adapters.storage.filesystem;

import dev.berth.adapters.storage.contract.BlobStoreContract;
import dev.berth.adapters.storage.contract.PseudoRandomBytes;
import dev.berth.adapters.storage.contract.StoredBlobs;
import dev.berth.application.port.BlobStore;
import dev.berth.application.port.FileRegion;
import dev.berth.domain.Digest;
import dev.berth.domain.DigestAlgorithm;
import dev.berth.domain.UploadId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class FilesystemBlobStoreTest extends BlobStoreContract {

    private static final byte[] CONTENT = new PseudoRandomBytes(1).bytes(0, 2048);

    @TempDir
    Path root;

    /** A new instance on the same root each time, so {@link #reopen} really is a restart. */
    @Override
    protected BlobStore newStore() {
        return new FilesystemBlobStore(root);
    }

    /** Beyond 2 GiB and 4 GiB would catch int overflows; 3 GiB + a bit crosses the first and keeps CI short. */
    @Override
    protected long largeBlobSize() {
        return (3L << 30) + 12_345;
    }

    @Override
    protected void plantStrayEntries() throws IOException {
        String hex = "ab" + "c".repeat(62);
        write("blobs/sha256/cd/" + hex);              // wrong fan-out directory
        write("blobs/sha256/ab/not-a-digest");
        write("blobs/md5/ab/" + hex);                 // unsupported algorithm
        write("blobs/sha256/ab/" + hex + ".tmp");
        write("uploads/../stray-next-to-uploads");
        write("uploads/not-an-upload-id");
        Files.createDirectories(root.resolve("uploads/" + UploadId.random()));  // a directory, not an upload
    }

    private void write(String relative) throws IOException {
        Path file = root.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.write(file, new byte[] {1});
    }

    /** What the HTTP adapter's sendfile path relies on: the region is the requested range, still unread. */
    @Test
    void aReadIsARegionOfTheContentFileThatTracksWhatWasRead() throws IOException {
        Digest digest = push(DigestAlgorithm.SHA256, CONTENT);
        try (InputStream in = newStore().read(digest, 100, 1000)) {
            assertThat(in).isInstanceOf(FileRegion.class);
            FileRegion region = (FileRegion) in;
            assertThat(region.position()).isEqualTo(100);
            assertThat(region.remaining()).isEqualTo(1000);
            ByteBuffer bytes = ByteBuffer.allocate(1000);
            while (bytes.hasRemaining()) {
                region.channel().read(bytes, region.position() + bytes.position());
            }
            assertThat(bytes.array()).isEqualTo(Arrays.copyOfRange(CONTENT, 100, 1100));

            assertThat(in.readNBytes(10)).isEqualTo(Arrays.copyOfRange(CONTENT, 100, 110));
            assertThat(region.position()).isEqualTo(110);
            assertThat(region.remaining()).isEqualTo(990);
        }
    }

    /**
     * Chunks of a megabyte and more go to disk with O_DIRECT in whole blocks, the rest through the page
     * cache: chunks that start and end anywhere, arrive in small reads as from a socket, and a retry
     * that cuts into what a direct write wrote must still give back exactly the bytes sent.
     */
    @Test
    void largeChunksAtAnyOffsetRoundTripByteForByte() throws IOException {
        int megabyte = 1 << 20;
        int[] sizes = {megabyte + 4097, 2 * megabyte + 3, 7, megabyte, 3 * megabyte - 1, megabyte - 1, 4096};
        PseudoRandomBytes random = new PseudoRandomBytes(16);
        UploadId upload = UploadId.random();
        long offset = 0;
        for (int size : sizes) {
            offset = store.writeUpload(upload, offset, trickle(random.bytes(offset, size)));
        }
        // a client's retry from an unaligned offset inside the direct-written middle replaces the tail
        long retryFrom = sizes[0] + 12_345;
        offset = store.writeUpload(upload, retryFrom, trickle(random.bytes(retryFrom, 2 * megabyte + 11)));
        byte[] expected = random.bytes(0, (int) offset);

        assertThat(offset).isEqualTo(retryFrom + 2 * megabyte + 11);
        assertThat(store.uploadSize(upload)).isEqualTo(offset);
        try (InputStream in = store.readUpload(upload, 0)) {
            assertThat(in.readAllBytes()).isEqualTo(expected);
        }
        Digest digest = Digest.of(DigestAlgorithm.SHA256, expected);
        store.commitUpload(upload, digest);
        assertThat(read(digest, 0, expected.length)).isEqualTo(expected);
    }

    /**
     * A filesystem may open a file with O_DIRECT and then refuse its writes (EINVAL: some FUSE and
     * network filesystems, or stricter alignment than the block size, forced here with an alignment of
     * one byte, which the JDK itself refuses): the same bytes then go through the page cache, and the file holds exactly them.
     */
    @Test
    void directWritesTheFilesystemRefusesGoThroughThePageCacheInstead() throws IOException {
        Path file = Files.createFile(root.resolve("refused"));
        byte[] bytes = new PseudoRandomBytes(17).bytes(0, DirectWriter.BUFFER);
        try (FileChannel buffered = FileChannel.open(file, StandardOpenOption.WRITE);
             DirectWriter direct = DirectWriter.open(file, buffered, 1).orElseThrow()) {
            byte[] spare = direct.writeInBackground(bytes.clone(), 1);
            direct.writeNow(bytes, 4093, 1 + DirectWriter.BUFFER);
            direct.await();
            assertThat(spare).hasSize(DirectWriter.BUFFER);
            assertThat(direct.refused()).as("an unaligned O_DIRECT write is refused").isTrue();
        }
        byte[] expected = new byte[1 + DirectWriter.BUFFER + 4093];
        System.arraycopy(bytes, 0, expected, 1, DirectWriter.BUFFER);
        System.arraycopy(bytes, 0, expected, 1 + DirectWriter.BUFFER, 4093);
        assertThat(Files.readAllBytes(file)).isEqualTo(expected);
    }

    /** A stream that hands out at most 1000 bytes a read, as a socket does. */
    private static InputStream trickle(byte[] bytes) {
        return new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] buffer, int offset, int length) {
                return super.read(buffer, offset, Math.min(length, 1000));
            }
        };
    }

    @Test
    void contentLivesAtTheDocumentedPath() throws IOException {
        Digest sha256 = push(DigestAlgorithm.SHA256, CONTENT);
        Digest sha512 = push(DigestAlgorithm.SHA512, CONTENT);

        assertThat(root.resolve("blobs/sha256/" + sha256.hex().substring(0, 2) + "/" + sha256.hex()))
                .hasBinaryContent(CONTENT);
        assertThat(root.resolve("blobs/sha512/" + sha512.hex().substring(0, 2) + "/" + sha512.hex()))
                .hasBinaryContent(CONTENT);
    }

    @Test
    void uploadInProgressIsNeverVisibleUnderBlobs() throws IOException {
        Digest committed = push(DigestAlgorithm.SHA256, CONTENT);
        UploadId upload = UploadId.random();

        store.writeUpload(upload, 0, new ByteArrayInputStream(CONTENT, 0, 1000));

        assertThat(root.resolve("uploads/" + upload)).hasSize(1000);
        try (Stream<Path> files = Files.walk(root.resolve("blobs"))) {
            assertThat(files.filter(Files::isRegularFile))
                    .containsExactly(root.resolve("blobs/sha256/" + committed.hex().substring(0, 2) + "/"
                            + committed.hex()));
        }
    }

    @Test
    void missingRootIsCreated() throws IOException {
        Path missing = root.resolve("a/b/registry");
        FilesystemBlobStore store = new FilesystemBlobStore(missing);
        UploadId upload = UploadId.random();

        store.writeUpload(upload, 0, new ByteArrayInputStream(CONTENT));
        store.commitUpload(upload, Digest.of(DigestAlgorithm.SHA256, CONTENT));

        assertThat(store.size(Digest.of(DigestAlgorithm.SHA256, CONTENT))).hasValue(CONTENT.length);
        assertThat(missing).isDirectory();
    }

    @Test
    void createsEverythingOwnerOnlyByDefault() throws IOException {
        Path registry = root.resolve("registry");
        Digest digest = StoredBlobs.push(new FilesystemBlobStore(registry), CONTENT);
        UploadId inProgress = UploadId.random();
        new FilesystemBlobStore(registry).writeUpload(inProgress, 0, new ByteArrayInputStream(CONTENT));

        assertPermissions(registry, "rwx------", "rw-------");
        assertThat(permissions(registry.resolve("blobs/sha256/" + digest.hex().substring(0, 2) + "/" + digest.hex())))
                .isEqualTo("rw-------");
        assertThat(permissions(registry.resolve("uploads/" + inProgress))).isEqualTo("rw-------");
    }

    @Test
    void aStoreSharedOnPurposeIsReadableByTheGroupOnly() throws IOException {
        Path registry = root.resolve("shared");
        StoredBlobs.push(new FilesystemBlobStore(registry, true), CONTENT);
        new FilesystemBlobStore(registry, true).writeUpload(UploadId.random(), 0, new ByteArrayInputStream(CONTENT));

        // the umask may take more away, never give: at most group read, nothing for others
        try (Stream<Path> paths = Files.walk(registry)) {
            for (Path path : paths.toList()) {
                String mode = permissions(path);
                assertThat(mode.substring(6)).as(path + " for others").isEqualTo("---");
                assertThat(mode.charAt(4)).as(path + " group write").isEqualTo('-');
                assertThat(mode.substring(0, 3)).as(path + " for the owner")
                        .isEqualTo(Files.isDirectory(path) ? "rwx" : "rw-");
            }
        }
    }

    /** Every directory from {@code top} down has {@code directories}, every file {@code files}. */
    private static void assertPermissions(Path top, String directories, String files) throws IOException {
        try (Stream<Path> paths = Files.walk(top)) {
            for (Path path : paths.toList()) {
                assertThat(permissions(path)).as(path.toString()).isEqualTo(Files.isDirectory(path) ? directories : files);
            }
        }
    }

    private static String permissions(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    @Test
    void namesItselfAndItsAbsoluteRoot() {
        assertThat(store.driverName()).isEqualTo("filesystem");
        assertThat(store.location()).isEqualTo(root.toAbsolutePath().toString());
    }
}
