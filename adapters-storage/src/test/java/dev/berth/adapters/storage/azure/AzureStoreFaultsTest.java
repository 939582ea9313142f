package dev.berth.adapters.storage.azure;

import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.common.StorageSharedKeyCredential;
import dev.berth.adapters.storage.contract.BlobStoreFaultsContract;
import dev.berth.adapters.storage.testserver.Azurite;
import dev.berth.adapters.storage.testserver.FaultProxy;
import dev.berth.application.port.BlobStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Azure driver against Azurite through a fault-injecting proxy, throttled with Azure's 503
 * ServerBusy: the driver's retry options try 4 times, waiting about 0.2, 0.6 and 1.4 s (less 20 %
 * jitter at worst) between them.
 */
class AzureStoreFaultsTest extends BlobStoreFaultsContract {

    private static final AtomicInteger TESTS = new AtomicInteger();
    private static Azurite azurite;
    private static FaultProxy proxy;

    @BeforeAll
    static void start() throws Exception {
        azurite = Azurite.start();
        new BlobServiceClientBuilder().endpoint(azurite.serviceUrl().toString())
                .credential(new StorageSharedKeyCredential(Azurite.ACCOUNT, Azurite.KEY)).buildClient()
                .createBlobContainer("faults");
        proxy = FaultProxy.start(azurite.serviceUrl(), FaultProxy.Dialect.AZURE);
    }

    @AfterAll
    static void stop() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
        if (azurite != null) {
            azurite.close();
        }
    }

    @Override
    protected FaultProxy proxy() {
        return proxy;
    }

    @Override
    protected BlobStore storeThroughProxy(Duration timeout) {
        return new AzureBlobStore(proxy.proxied(azurite.serviceUrl()), Azurite.ACCOUNT, Azurite.KEY, "faults",
                "faults/" + TESTS.incrementAndGet(), timeout);
    }

    @Override
    protected int attempts() {
        return 4;
    }

    @Override
    protected Duration leastBackoff() {
        return Duration.ofMillis(160);
    }

    /** Two staged blocks, read back in two ranged GETs. */
    @Override
    protected int multiPieceSize() {
        return AzureBlobStore.BLOCK_SIZE + 1000;
    }

    /** The server-side copy of the upload onto the content blob. */
    @Override
    protected boolean publishesContent(FaultProxy.Request request) {
        return request.header("x-ms-copy-source") != null;
    }

    @Override
    protected String describes503() {
        return "(ServerBusy, HTTP 503)";
    }
}
