package dev.berth.adapters.storage.swift;

import dev.berth.adapters.storage.contract.BlobStoreContract;
import dev.berth.application.port.BlobStore;
import dev.berth.domain.UploadId;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The driver contract kit against a real Swift, each test under a key prefix of its own. */
@ExtendWith(SwiftServer.class)
class SwiftBlobStoreTest extends BlobStoreContract {

    static final String CONTAINER = "berth-kit";

    private final String prefix = "kit-" + UUID.randomUUID();
    private final List<String> strays = new ArrayList<>();

    /**
     * Runs after the kit's own clean-up: besides the planted strays, nothing may be left under the
     * prefix, not even a segment or a nested manifest the SPI cannot see.
     */
    @RegisterExtension
    final AfterEachCallback nothingLeftInSwift = context ->
            assertThat(SwiftServer.list(CONTAINER, prefix + "/")).containsExactlyInAnyOrderElementsOf(strays);

    @Override
    protected BlobStore newStore() {
        return new SwiftBlobStore(SwiftServer.options(CONTAINER, prefix));
    }

    @Override
    protected boolean servesDirectUrls() {
        return true;
    }

    @Override
    protected void plantStrayEntries() throws IOException {
        String hex = "ab" + "c".repeat(62);
        plant("blobs/sha256/cd/" + hex);             // wrong fan-out
        plant("blobs/sha256/ab/not-a-digest");
        plant("blobs/md5/ab/" + hex);                // unsupported algorithm
        plant("uploads/not-an-upload-id");
        plant("uploads/" + UploadId.random() + "/nested");
        plant("segments/" + UploadId.random() + "/00000000000000000000");  // a segment without its upload
    }

    private void plant(String key) throws IOException {
        try {
            SwiftServer.put(CONTAINER, prefix + "/" + key);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        strays.add(prefix + "/" + key);
    }
}
