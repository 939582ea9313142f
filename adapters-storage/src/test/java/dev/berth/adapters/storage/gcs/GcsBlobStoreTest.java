package dev.berth.adapters.storage.gcs;

import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.contrib.nio.testing.ComposingFakeStorage;
import dev.berth.adapters.storage.contract.BlobStoreContract;
import dev.berth.application.port.BlobStore;
import dev.berth.application.system.BlobStoreStatus;
import dev.berth.application.system.StorageStatus.StorageReport;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.Optional;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The driver contract kit against the GCS client library's in-process fake (no GCS server runs
 * here: see deploy/docs/storage.md), below a root directory. It does not emulate signed URLs.
 */
class GcsBlobStoreTest extends BlobStoreContract {

    private Storage storage;

    @Test
    void unreachableEndpointIsNamedOverRealHttp() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        GcsBlobStore unreachable = GcsBlobStore.open("berth", Optional.empty(),
                Optional.of(URI.create("http://127.0.0.1:" + closedPort)), "", 256 * 1024);

        StorageReport report = new BlobStoreStatus(unreachable).report();

        assertThat(report.writable()).isFalse();
        assertThat(report.location()).isEqualTo("gs://berth");
        assertThat(report.problem()).contains("gs://berth");
    }

    @Override
    protected BlobStore newStore() {
        if (storage == null) {
            storage = ComposingFakeStorage.create();
        }
        return new GcsBlobStore(storage, "kit", "registry/kit", 256 * 1024);
    }

    @Override
    protected void plantStrayEntries() {
        for (String stray : new String[] {"registry/kit/blobs/sha256/zz/not-a-digest",
                "registry/kit/blobs/sha256/00/" + "ab".repeat(32), "registry/kit/uploads/not-an-upload/0000000000000000",
                "registry/kit/uploads/5f0c2a9e-0000-4000-8000-00000000000a/extra", "registry/other"}) {
            storage.create(BlobInfo.newBuilder("kit", stray).build(), "stray".getBytes(StandardCharsets.US_ASCII));
        }
    }
}
