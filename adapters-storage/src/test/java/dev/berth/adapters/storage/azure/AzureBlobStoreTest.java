package dev.berth.adapters.storage.azure;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.common.StorageSharedKeyCredential;
import dev.berth.adapters.storage.contract.BlobStoreContract;
import dev.berth.adapters.storage.testserver.Azurite;
import dev.berth.application.port.BlobStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import dev.berth.application.system.BlobStoreStatus;
import dev.berth.application.system.StorageStatus.StorageReport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/** The driver contract kit against Azurite, below a root directory. */
class AzureBlobStoreTest extends BlobStoreContract {

    private static Azurite azurite;
    private static BlobContainerClient container;

    @BeforeAll
    static void startAzurite() throws Exception {
        azurite = Azurite.start();
        container = new BlobServiceClientBuilder().endpoint(azurite.serviceUrl().toString())
                .credential(new StorageSharedKeyCredential(Azurite.ACCOUNT, Azurite.KEY)).buildClient()
                .createBlobContainer("kit");
    }

    @AfterAll
    static void stopAzurite() throws Exception {
        if (azurite != null) {
            azurite.close();
        }
    }

    @Test
    void wrongKeyIsReportedAsRefusedCredentials() {
        String wrongKey = Base64.getEncoder().encodeToString("not the key".getBytes(StandardCharsets.US_ASCII));

        StorageReport report = new BlobStoreStatus(new AzureBlobStore(azurite.serviceUrl(), Azurite.ACCOUNT, wrongKey,
                "kit", "")).report();

        assertThat(report.writable()).isFalse();
        assertThat(report.problem()).contains("Azure refused the credentials of account 'devstoreaccount1'")
                .contains("HTTP 403").doesNotContain(wrongKey).hasSizeLessThan(400);
    }

    @Test
    void missingContainerIsNamed() {
        StorageReport report = new BlobStoreStatus(new AzureBlobStore(azurite.serviceUrl(), Azurite.ACCOUNT, Azurite.KEY,
                "no-such-container", "")).report();

        assertThat(report.writable()).isFalse();
        assertThat(report.problem()).contains("container 'no-such-container' does not exist").hasSizeLessThan(400);
    }

    @Test
    void unreachableServiceIsNamed() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }

        StorageReport report = new BlobStoreStatus(new AzureBlobStore(URI.create("http://127.0.0.1:" + closedPort
                + "/devstoreaccount1"), Azurite.ACCOUNT, Azurite.KEY, "kit", "")).report();

        assertThat(report.writable()).isFalse();
        assertThat(report.problem()).contains("127.0.0.1:" + closedPort);
    }

    @Override
    protected BlobStore newStore() {
        return new AzureBlobStore(azurite.serviceUrl(), Azurite.ACCOUNT, Azurite.KEY, "kit", "/registry/kit/");
    }

    @Override
    protected boolean servesDirectUrls() {
        return true;
    }

    @Override
    protected void plantStrayEntries() {
        for (String stray : new String[] {"registry/kit/blobs/sha256/zz/not-a-digest",
                "registry/kit/blobs/sha256/00/" + "ab".repeat(32), "registry/kit/uploads/not-an-upload",
                "registry/kit/uploads/5f0c2a9e-0000-4000-8000-00000000000a/extra", "registry/other"}) {
            container.getBlobClient(stray).upload(BinaryData.fromString("stray"), true);
        }
    }
}
