package dev.berth.adapters.storage.s3;

import dev.berth.application.port.DistributionStorage.Link;
import dev.berth.domain.Digest;
import dev.berth.domain.DigestAlgorithm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** A registry:2 tree as Distribution's s3 driver leaves it in a bucket, read over S3 (S3Proxy on loopback). */
class DistributionBucketTest {

    private static final String BUCKET = "registry2";
    private static final String ROOT = "legacy/docker/registry/v2/";
    private static final Digest CONFIG = Digest.of(DigestAlgorithm.SHA256, "config".getBytes(StandardCharsets.UTF_8));
    private static final Digest MANIFEST = Digest.of(DigestAlgorithm.SHA256, "manifest".getBytes(StandardCharsets.UTF_8));
    private static S3ProxyServer server;

    @BeforeAll
    static void start() throws Exception {
        server = S3ProxyServer.start(Path.of("target/s3proxy-distribution"), null);
        server.createBucket(BUCKET);
        put("blobs/sha256/" + CONFIG.hex().substring(0, 2) + "/" + CONFIG.hex() + "/data", "config");
        put("blobs/sha256/" + MANIFEST.hex().substring(0, 2) + "/" + MANIFEST.hex() + "/data", "manifest");
        put("repositories/library/app/_layers/sha256/" + CONFIG.hex() + "/link", CONFIG + "\n");
        put("repositories/library/app/_manifests/revisions/sha256/" + MANIFEST.hex() + "/link", MANIFEST.toString());
        put("repositories/library/app/_manifests/tags/1.0/current/link", MANIFEST.toString());
        put("repositories/library/app/_manifests/tags/1.0/index/sha256/" + MANIFEST.hex() + "/link", MANIFEST.toString());
        put("repositories/library/app/_uploads/4f1c/data", "half a push");
        put("repositories/other/_manifests/tags/broken/current/link", "x".repeat(5000));
        put("repositories/other/_layers/sha256/" + CONFIG.hex() + "/link", CONFIG.toString());
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void readsRepositoriesLinksAndBlobsAsDistributionWroteThem() throws Exception {
        try (DistributionBucket bucket = new DistributionBucket(settings("/legacy/"))) {
            assertThat(bucket.exists()).isTrue();
            assertThat(bucket.location()).startsWith("s3://registry2/legacy/docker/registry/v2 at http://127.0.0.1:");
            assertThat(bucket.repositories()).containsExactly("library/app", "other");
            assertThat(bucket.layers("library/app")).containsExactly(new Link(CONFIG.toString(), Optional.of(CONFIG.toString())));
            assertThat(bucket.revisions("library/app"))
                    .containsExactly(new Link(MANIFEST.toString(), Optional.of(MANIFEST.toString())));
            assertThat(bucket.tags("library/app")).containsExactly(new Link("1.0", Optional.of(MANIFEST.toString())));
            assertThat(bucket.size(CONFIG)).hasValue(6);
            try (InputStream in = bucket.open(MANIFEST)) {
                assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("manifest");
            }
            assertThat(bucket.size(Digest.of(DigestAlgorithm.SHA256, new byte[0]))).isEmpty();
            assertThat(bucket.file(CONFIG)).as("never linked: not a local file").isEmpty();
            // a link read no further than 1 KiB: the importer names it broken
            assertThat(bucket.tags("other")).singleElement()
                    .satisfies(link -> assertThat(link.target().orElseThrow()).hasSize(1024));
        }
    }

    @Test
    void aBucketWithoutTheTreeHoldsNone() throws Exception {
        try (DistributionBucket elsewhere = new DistributionBucket(settings("/elsewhere"))) {
            assertThat(elsewhere.exists()).isFalse();
            assertThat(elsewhere.repositories()).isEmpty();
        }
    }

    private static S3Settings settings(String prefix) {
        return new S3Settings("s3", BUCKET, "us-east-1", Optional.of(server.endpoint()), true,
                Optional.of(S3ProxyServer.ACCESS_KEY), Optional.of(S3ProxyServer.SECRET_KEY), false, Optional.empty(),
                S3Settings.MIN_CHUNK_SIZE, prefix, false, Optional.empty(), true);
    }

    private static void put(String key, String content) {
        var backend = server.backend();
        backend.putBlob(BUCKET, backend.blobBuilder(ROOT + key).payload(content.getBytes(StandardCharsets.UTF_8)).build());
    }
}
