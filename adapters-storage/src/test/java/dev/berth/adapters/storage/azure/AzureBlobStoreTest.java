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
