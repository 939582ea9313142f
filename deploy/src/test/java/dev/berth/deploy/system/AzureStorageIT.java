package dev.berth.deploy.system;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.common.StorageSharedKeyCredential;
import dev.berth.adapters.storage.testserver.Azurite;
import dev.berth.adapters.storage.testserver.FaultProxy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged Berth with its blobs in Azure Blob Storage (Azurite on loopback, through a
 * fault-injecting proxy that passes everything through unless a test says otherwise): skopeo pushes
 * an image and pulls it back byte for byte, and the layers are blobs in the container; Azure
 * throttling (503 ServerBusy) gives the registry's 503 and recovers without a restart.
 */
class AzureStorageIT {

    private static final Duration TIMEOUT = Duration.ofMinutes(5);
    private static Azurite azurite;
    private static FaultProxy proxy;
    private static BlobContainerClient container;
    private static BerthProcess berth;

    @TempDir
    Path work;

    @BeforeAll
    static void start() throws Exception {
        azurite = Azurite.start();
        container = new BlobServiceClientBuilder().endpoint(azurite.serviceUrl().toString())
                .credential(new StorageSharedKeyCredential(Azurite.ACCOUNT, Azurite.KEY)).buildClient()
                .createBlobContainer("berth");
        proxy = FaultProxy.start(azurite.serviceUrl(), FaultProxy.Dialect.AZURE);
        Path data = Path.of("target", "azure-berth").toAbsolutePath();
        // Azurite starts empty: metadata left by an earlier run would name blobs it no longer holds
        WorkDirectories.deleteQuietly(data);
        berth = BerthProcess.start(data, BerthProcess.freePort(), Map.of(
                "REGISTRY_STORAGE", "azure",
                "REGISTRY_STORAGE_AZURE_ACCOUNTNAME", Azurite.ACCOUNT,
                "REGISTRY_STORAGE_AZURE_ACCOUNTKEY", Azurite.KEY,
                "REGISTRY_STORAGE_AZURE_CONTAINER", "berth",
                "REGISTRY_STORAGE_AZURE_SERVICEURL", proxy.proxied(azurite.serviceUrl()).toString(),
                "REGISTRY_STORAGE_AZURE_ROOTDIRECTORY", "registry"));
        berth.awaitReady();
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (berth != null) {
                berth.stop();
            }
        } finally {
            if (proxy != null) {
                proxy.close();
            }
            if (azurite != null) {
                azurite.close();
            }
        }
    }

    @Test
    void skopeoPushesAndPullsBackEveryBlobStoredInAzure() throws Exception {
        OciImageLayout source = OciImageLayout.create(work.resolve("source"));
        OciImageLayout.Blob image = source.image("amd64", 31, 2_500_000, 300_000, 9_000_000);
        source.tag(image, "v1");
        String remote = "docker://127.0.0.1:" + berth.port() + "/azure/skopeo:v1";

        OciImageLayout pulled = source.pushAndPullBack("v1", remote, work.resolve("pulled"), TIMEOUT);

        List<String> stored = container.listBlobs().stream().map(BlobItem::getName).toList();
        try (var blobs = Files.list(source.root().resolve("blobs/sha256"))) {
            for (Path blob : blobs.toList()) {
                String hex = blob.getFileName().toString();
                String key = "registry/blobs/sha256/" + hex.substring(0, 2) + "/" + hex;
                if (image.digest().equals("sha256:" + hex)) {
                    assertThat(stored).as("manifests live in PostgreSQL").doesNotContain(key);
                } else {
                    assertThat(stored).contains(key);
                }
            }
        }
        // Berth's storage probe writes and deletes an upload of its own every few seconds
        // (BlobStoreStatus): wait for a moment between two probes; a push's leftover would stay
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (container.listBlobs().stream().anyMatch(b -> b.getName().startsWith("registry/uploads/"))
                && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(container.listBlobs().stream().map(BlobItem::getName)).noneMatch(name -> name.startsWith("registry/uploads/"));
        assertThat(Files.readString(pulled.root().resolve("index.json"))).contains(image.digest());
        assertThat(berth.get("/health/ready").body()).contains("azure");
    }

    @Test
    void azureThrottlingEverythingGivesTheRegistrys503AndTheSameBerthRecovers() throws Exception {
        StorageFaults.outageAnswersUnavailableAndTheSameBerthRecovers(berth, proxy, "azure/outage");
    }

    @Test
    void aFewAzureErrorsAreRetriedAndThePushSucceeds() throws Exception {
        StorageFaults.transientErrorsAreRetriedAndThePushSucceeds(berth, proxy, "azure/transient");
    }
}
