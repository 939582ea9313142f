package dev.berth.adapters.storage.filesystem;

import dev.berth.adapters.storage.contract.PseudoRandomBytes;
import dev.berth.application.port.StorageFullException;
import dev.berth.domain.UploadId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayInputStream;
import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The filesystem driver on a real, small volume (a 4 MiB tmpfs; mounting needs root, as here and in
 * CI): a write that runs out of space gives its bytes back at once, so the next, smaller push fits.
 */
class FilesystemFullVolumeTest {

    private static final long VOLUME = 4L << 20;

    @RegisterExtension
    final TmpfsVolume volume = new TmpfsVolume(VOLUME);

    @Test
    void aWriteThatRunsOutOfSpaceReleasesItsBytesAndNamesTheCause() throws IOException {
        FilesystemBlobStore store = new FilesystemBlobStore(volume.path().resolve("registry"));
        UploadId large = UploadId.random();

        assertThatThrownBy(() -> store.writeUpload(large, 0, stream(2 * VOLUME)))
                .isInstanceOf(StorageFullException.class)
                .hasMessageContaining("no space left on the storage volume")
                .satisfies(e -> assertThat(((StorageFullException) e).usableBytes()).as("when it failed")
                        .isBetween(0L, VOLUME / 4));
        assertThat(store.uploadSize(large)).as("the failed write's bytes are released").isZero();

        UploadId small = UploadId.random();
        assertThat(store.writeUpload(small, 0, stream(VOLUME / 2))).as("the next push fits").isEqualTo(VOLUME / 2);

        // a later chunk that does not fit leaves the earlier ones as they were
        assertThatThrownBy(() -> store.writeUpload(small, VOLUME / 2, stream(VOLUME)))
                .isInstanceOf(StorageFullException.class);
        assertThat(store.uploadSize(small)).isEqualTo(VOLUME / 2);
        assertThat(store.writeUpload(UploadId.random(), 0, stream(VOLUME / 4))).isEqualTo(VOLUME / 4);
    }

    private static ByteArrayInputStream stream(long size) {
        return new ByteArrayInputStream(new PseudoRandomBytes(7).bytes(0, (int) size));
    }
}
