package dev.berth.adapters.storage.filesystem;

import dev.berth.adapters.storage.layout.KeyLayout;
import dev.berth.application.port.BlobStore;
import dev.berth.application.port.StorageFullException;
import dev.berth.domain.Digest;
import dev.berth.domain.UploadId;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Stream;

import static java.nio.file.StandardCopyOption.ATOMIC_MOVE;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

/**
 * The filesystem storage driver: one plain file per content and per upload in progress, in the
 * {@link KeyLayout} under the root directory, e.g. {@code blobs/sha256/e3/e3b0c442...b855} and
 * {@code uploads/5f0c2a9e-...-9d1b}. Paths are built only from validated {@link Digest} and
 * {@link UploadId} values, never from request text.
 *
 * <p>A file appears under {@code blobs/} only through an atomic rename of a complete upload whose
 * bytes were fsynced first, so readers never see partial content. Both trees must therefore be on
 * one filesystem (the rename fails loudly otherwise). Chunks are not fsynced: an upload is only
 * durable once committed. The two-character fan-out keeps directories small; fan-out directories
 * are never removed, so a commit cannot race a cleanup of its target directory.
 *
 * <p>The root and the directories below it are created when first needed, owner-only (0700, files
 * 0600): private images' layers are not for every local user. A store shared on purpose (a backup
 * or scanning job in the same group) is created group-readable instead (0750/0640); the umask
 * may narrow either further.
 */
public final class FilesystemBlobStore implements BlobStore {

    private final Path root;
    private final Path blobs;
    private final Path uploads;
    private final FileAttribute<Set<PosixFilePermission>> directoryPermissions;
    private final FileAttribute<Set<PosixFilePermission>> filePermissions;
    /** False once this store's filesystem refused {@code O_DIRECT}: then every write goes through the page cache. */
    private volatile boolean directIo = true;

    /** An owner-only store. */
    public FilesystemBlobStore(Path root) {
        this(root, false);
    }

    /** @param sharedWithGroup group members may read the store (for setups that share it on purpose) */
    public FilesystemBlobStore(Path root, boolean sharedWithGroup) {
        this.root = root.toAbsolutePath().normalize();
        this.blobs = this.root.resolve(KeyLayout.BLOBS);
        this.uploads = this.root.resolve(KeyLayout.UPLOADS);
        this.directoryPermissions = PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString(sharedWithGroup ? "rwxr-x---" : "rwx------"));
        this.filePermissions = PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString(sharedWithGroup ? "rw-r-----" : "rw-------"));
    }

    @Override
    public String driverName() {
        return "filesystem";
    }

    @Override
    public String location() {
        return root.toString();
    }

    @Override
    public long writeUpload(UploadId upload, long offset, InputStream data) throws IOException {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must not be negative: " + offset);
        }
        Path file = uploadPath(upload);
        FileChannel channel;
        if (offset == 0) {
            Files.createDirectories(uploads, directoryPermissions);
            channel = FileChannel.open(file, Set.of(CREATE, WRITE), filePermissions);
        } else {
            try {
                channel = FileChannel.open(file, WRITE);
            } catch (NoSuchFileException e) {
                throw beyondEnd(upload, offset, 0);
            }
        }
        try (channel) {
            long size = channel.size();
            if (offset > size) {
                throw beyondEnd(upload, offset, size);
            }
            // whatever lies past offset was left by a failed attempt at this chunk
            channel.truncate(offset);
            try {
                return write(file, channel, offset, data);
            } catch (IOException e) {
                if (!outOfSpace(e)) {
                    throw e;
                }
                long usable = usableSpace();
                // give the volume back what this write took, so that other pushes fit again
                channel.truncate(offset);
                throw new StorageFullException(root.toString(), usable, e);
            }
        }
    }

    /**
     * Whole blocks past the first block boundary go to disk with {@code O_DIRECT}, the bytes before it
     * and the last partial block through the page cache; all of it through the page cache for chunks
     * smaller than one buffer and where the filesystem has no {@code O_DIRECT}.
     *
     * @return the upload's size afterwards
     */
    private long write(Path file, FileChannel channel, long offset, InputStream data) throws IOException {
        byte[] staged = new byte[DirectWriter.BUFFER];
        int filled = data.readNBytes(staged, 0, staged.length);
        Optional<DirectWriter> opened = filled < staged.length || !directIo ? Optional.empty() : DirectWriter.open(file, channel);
        if (opened.isEmpty()) {
            directIo &= filled < staged.length;
            return writeBuffered(channel, offset, staged, filled, data);
        }
        DirectWriter direct = opened.get();
        try (direct) {
            int head = (int) (-offset & (direct.alignment() - 1));
            writeFully(channel, staged, 0, head, offset);
            long position = offset + head;
            System.arraycopy(staged, head, staged, 0, filled - head);
            filled = filled - head + data.readNBytes(staged, filled - head, head);
            while (filled == staged.length) {
                staged = direct.writeInBackground(staged, position);
                position += filled;
                filled = data.readNBytes(staged, 0, staged.length);
            }
            int whole = filled & -direct.alignment();
            direct.writeNow(staged, whole, position);
            writeFully(channel, staged, whole, filled - whole, position + whole);
            return position + filled;
        } finally {
            // a filesystem that refused direct writes will refuse them again: stop asking
            directIo &= !direct.refused();
        }
    }

    /** Writes what was read already ({@code filled} bytes of {@code buffer}), then the rest of {@code data}. */
    private static long writeBuffered(FileChannel channel, long offset, byte[] buffer, int filled, InputStream data)
            throws IOException {
        long position = offset;
        Writeback writeback = new Writeback(channel, offset);
        // fill the whole buffer before writing, however little each read of the request returns
        while (filled > 0) {
            writeFully(channel, buffer, 0, filled, position);
            position += filled;
            writeback.written(position);
            filled = data.readNBytes(buffer, 0, buffer.length);
        }
        writeback.finish();
        return position;
    }

    /** Writes {@code length} bytes of {@code bytes} from {@code from} at {@code position}, however many calls it takes. */
    static void writeFully(FileChannel channel, byte[] bytes, int from, int length, long position)
            throws IOException {
        ByteBuffer chunk = ByteBuffer.wrap(bytes, from, length);
        while (chunk.hasRemaining()) {
            position += channel.write(chunk, position);
        }
    }

    /** ENOSPC or EDQUOT, as the JDK words them (it has no exception type for either). */
    private static boolean outOfSpace(IOException e) {
        String message = e.getMessage();
        return message != null && (message.contains("No space left on device") || message.contains("Disk quota exceeded")
                || message.contains("There is not enough space on the disk"));
    }

    private long usableSpace() {
        try {
            return Files.getFileStore(root).getUsableSpace();
        } catch (IOException e) {
            return -1;
        }
    }

    @Override
    public long uploadSize(UploadId upload) throws IOException {
        try {
            return Files.size(uploadPath(upload));
        } catch (NoSuchFileException e) {
            return 0;
        }
    }

    @Override
    public InputStream readUpload(UploadId upload, long offset) throws IOException {
        FileChannel channel;
        try {
            channel = FileChannel.open(uploadPath(upload), READ);
        } catch (NoSuchFileException e) {
            // an upload without bytes reads as empty, as uploadSize says
            if (offset == 0) {
                return InputStream.nullInputStream();
            }
            throw beyondEnd(upload, offset, 0);
        }
        try {
            long size = channel.size();
            if (offset > size) {
                throw beyondEnd(upload, offset, size);
            }
            return new FileRangeInputStream(channel, offset, size - offset);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    @Override
    public void commitUpload(UploadId upload, Digest digest) throws IOException {
        Path content = contentPath(digest);
        if (Files.exists(content)) {
            deleteUpload(upload);
            return;
        }
        Path source = uploadPath(upload);
        if (isEmptyContent(digest) && !Files.exists(source)) {
            // an upload that never received bytes is the empty blob; the digest proves it
            writeUpload(upload, 0, InputStream.nullInputStream());
        }
        try (FileChannel channel = FileChannel.open(source, WRITE)) {
            channel.force(true);
        }
        publish(upload, content);
    }

    /** Renames the upload's durable file to the content's place, atomically, and makes the rename durable. */
    private void publish(UploadId upload, Path content) throws IOException {
        Path source = uploadPath(upload);
        createDurably(content.getParent());
        try {
            Files.move(source, content, ATOMIC_MOVE);
        } catch (IOException e) {
            // A concurrent commit of the same content may have won: rename(2) then just replaces it
            // with identical bytes, but where the move fails instead (Windows while the target is
            // open, or this very upload committed twice at once) the content exists all the same.
            if (!Files.exists(content)) {
                throw e;
            }
            deleteUpload(upload);
        }
        fsyncDirectory(content.getParent());
    }

    @Override
    public boolean linkContent(Path file, Digest digest) throws IOException {
        if (Files.exists(contentPath(digest))) {
            return true;
        }
        // linked as an upload first, so that the content appears by the same atomic, fsynced commit
        UploadId upload = UploadId.random();
        try {
            Files.createDirectories(uploads, directoryPermissions);
            Files.createLink(uploadPath(upload), file);
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            // another filesystem (EXDEV), no permission (protected_hardlinks), no hard links at all
            return false;
        }
        try {
            // read-only is enough for fsync on Linux: the linked file may belong to another user
            try (FileChannel channel = FileChannel.open(uploadPath(upload), READ)) {
                channel.force(true);
            }
            publish(upload, contentPath(digest));
        } finally {
            deleteUpload(upload);
        }
        return true;
    }

    @Override
    public void deleteUpload(UploadId upload) throws IOException {
        Files.deleteIfExists(uploadPath(upload));
    }

    @Override
    public OptionalLong size(Digest digest) throws IOException {
        try {
            return OptionalLong.of(Files.size(contentPath(digest)));
        } catch (NoSuchFileException e) {
            return OptionalLong.empty();
        }
    }

    @Override
    public InputStream read(Digest digest, long offset, long length) throws IOException {
        // opened here, not on first read, so missing content fails this call
        FileChannel channel = FileChannel.open(contentPath(digest), READ);
        try {
            Objects.checkFromIndexSize(offset, length, channel.size());
            return new FileRangeInputStream(channel, offset, length);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    @Override
    public void delete(Digest digest) throws IOException {
        Files.deleteIfExists(contentPath(digest));
    }

    @Override
    public Stream<Digest> listContent() throws IOException {
        if (!Files.isDirectory(blobs)) {
            return Stream.empty();
        }
        return Files.find(blobs, 3, (path, attributes) -> attributes.isRegularFile())
                .map(path -> KeyLayout.parseContentKey(relativeKey(path)))
                .flatMap(Optional::stream);
    }

    @Override
    public Stream<StoredUpload> listUploads() throws IOException {
        if (!Files.isDirectory(uploads)) {
            return Stream.empty();
        }
        return Files.list(uploads)
                .flatMap(path -> KeyLayout.parseUploadKey(relativeKey(path)).flatMap(id -> stored(id, path)).stream());
    }

    private static Optional<StoredUpload> stored(UploadId upload, Path file) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return attributes.isRegularFile()
                    ? Optional.of(new StoredUpload(upload, attributes.size(), attributes.lastModifiedTime().toInstant()))
                    : Optional.empty();
        } catch (IOException e) {
            // committed or cancelled while the listing ran
            return Optional.empty();
        }
    }

    private String relativeKey(Path path) {
        return root.relativize(path).toString().replace(path.getFileSystem().getSeparator(), "/");
    }

    private Path contentPath(Digest digest) {
        return root.resolve(KeyLayout.contentKey(digest));
    }

    private Path uploadPath(UploadId upload) {
        return root.resolve(KeyLayout.uploadKey(upload));
    }

    private static boolean isEmptyContent(Digest digest) {
        return digest.equals(digest.algorithm().newDigester().finish());
    }

    private static IllegalStateException beyondEnd(UploadId upload, long offset, long size) {
        return new IllegalStateException("offset " + offset + " is beyond the " + size + " bytes of upload " + upload);
    }

    /**
     * Creates {@code dir} and its missing parents, fsyncing each new entry's parent: a committed
     * blob is only durable if the directories leading to it are.
     */
    private void createDurably(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        createDurably(dir.getParent());
        try {
            Files.createDirectory(dir, directoryPermissions);
        } catch (FileAlreadyExistsException e) {
            // created concurrently; still fsync below, the other creator may not have yet
            if (!Files.isDirectory(dir)) {
                throw e;
            }
        }
        fsyncDirectory(dir.getParent());
    }

    /** Makes a directory's entries (a rename, a new child) durable. Works on Linux and macOS. */
    private static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, READ)) {
            channel.force(true);
        }
    }
}
