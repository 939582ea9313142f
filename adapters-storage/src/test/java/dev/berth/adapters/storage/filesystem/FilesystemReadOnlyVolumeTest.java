package dev.berth.adapters.storage.filesystem;

import dev.berth.adapters.storage.contract.PseudoRandomBytes;
import dev.berth.adapters.storage.contract.StoredBlobs;
import dev.berth.application.system.BlobStoreStatus;
import dev.berth.application.system.StorageStatus.StorageReport;
import dev.berth.domain.Digest;
import dev.berth.domain.DigestAlgorithm;
import dev.berth.domain.UploadId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayInputStream;
import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The filesystem driver on a volume that turns read-only under it (what Linux does to a filesystem
 * after I/O errors, or an operator's mount option; a small tmpfs remounted here): every write fails
 * with an IOException naming the cause, which Berth answers with 503 UNAVAILABLE; reads go on;
 * nothing half-committed appears; and the same instance writes again once the volume is read-write.
 */
class FilesystemReadOnlyVolumeTest {

    private static final String READ_ONLY = "Read-only file system";

    @RegisterExtension
    final TmpfsVolume volume = new TmpfsVolume(4L << 20);

    @Test
    void writesFailCleanlyReadsGoOnAndTheSameStoreWritesAgainWhenTheVolumeIsWritable() throws Exception {
        FilesystemBlobStore store = new FilesystemBlobStore(volume.path().resolve("registry"));
        byte[] stored = bytes(1, 100_000);
        Digest storedDigest = StoredBlobs.push(store, stored);
        byte[] pending = bytes(2, 5000);
        Digest pendingDigest = Digest.of(DigestAlgorithm.SHA256, pending);
        UploadId upload = UploadId.random();
        store.writeUpload(upload, 0, new ByteArrayInputStream(pending, 0, 3000));

        volume.remount(true);

        assertThatThrownBy(() -> store.writeUpload(UploadId.random(), 0, new ByteArrayInputStream(pending)))
                .isInstanceOf(IOException.class).hasMessageContaining(READ_ONLY);
        assertThatThrownBy(() -> store.writeUpload(upload, 3000, new ByteArrayInputStream(pending, 3000, 2000)))
                .isInstanceOf(IOException.class).hasMessageContaining(READ_ONLY);
        assertThatThrownBy(() -> store.commitUpload(upload, pendingDigest))
                .isInstanceOf(IOException.class).hasMessageContaining(READ_ONLY);
        assertThat(store.size(pendingDigest)).as("nothing committed").isEmpty();
        assertThat(store.uploadSize(upload)).as("the upload as it was").isEqualTo(3000);
        assertThat(StoredBlobs.readAll(store, storedDigest)).as("reads go on").isEqualTo(stored);
        StorageReport down = new BlobStoreStatus(store).report();
        assertThat(down.writable()).isFalse();
        assertThat(down.problem()).contains(READ_ONLY);

        volume.remount(false);

        store.writeUpload(upload, 3000, new ByteArrayInputStream(pending, 3000, 2000));
        store.commitUpload(upload, pendingDigest);
        assertThat(StoredBlobs.readAll(store, pendingDigest)).isEqualTo(pending);
        assertThat(new BlobStoreStatus(store).report().writable()).isTrue();
    }

    private static byte[] bytes(long seed, int length) {
        return new PseudoRandomBytes(seed).bytes(0, length);
    }
}
