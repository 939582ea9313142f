package dev.berth.application.registry;

import dev.berth.application.usage.NamespaceUsage;
import dev.berth.application.usage.Quota;
import dev.berth.application.usage.RegistryUsage;
import dev.berth.domain.Digest;
import dev.berth.domain.DigestAlgorithm;
import dev.berth.domain.Reference;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.error.BlobUploadUnknownException;
import dev.berth.domain.error.DeniedException;
import dev.berth.domain.manifest.MediaType;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.util.Optional;
import java.util.OptionalLong;

import static dev.berth.application.registry.TestRegistry.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Namespace quotas in the push use cases, and the deduplicated usage they are checked against. */
class QuotaUseCasesTest {

    private final TestRegistry registry = new TestRegistry();
    private final RepositoryName app = RepositoryName.parse("team/app");
    private final RepositoryName web = RepositoryName.parse("team/web");

    private NamespaceUsage team() {
        return registry.metadata.namespace("team").orElseThrow();
    }

    @Test
    void aBlobSharedByRepositoriesCountsOncePerNamespaceAndOnceForTheRegistry() {
        byte[] layer = new byte[1000];
        registry.push(app, layer);
        registry.push(web, layer);
        registry.push(RepositoryName.parse("other/app"), layer);
        registry.push(web, new byte[10]);

        assertThat(team().blobs()).isEqualTo(2);
        assertThat(team().blobBytes()).isEqualTo(1010);
        assertThat(team().repositories()).isEqualTo(2);
        assertThat(registry.metadata.namespace("other").orElseThrow().blobBytes()).isEqualTo(1000);
        RegistryUsage all = registry.metadata.registry();
        assertThat(all.blobs()).isEqualTo(2);
        assertThat(all.blobBytes()).isEqualTo(1010);
        assertThat(all.namespaces()).isEqualTo(2);
    }

    @Test
    void anUploadBeyondTheQuotaIsRefusedAndLeavesNothing() {
        registry.push(app, new byte[600]);
        registry.metadata.setQuota("team", new Quota(OptionalLong.of(1000), OptionalLong.empty()));
        byte[] content = new byte[500];
        content[0] = 1;
        Digest digest = Digest.of(DigestAlgorithm.SHA256, content);
        var session = registry.start().start(app, "");

        assertThatThrownBy(() -> registry.complete(registry.writer).complete(app, session.id(), "", digest,
                OptionalLong.empty(), OptionalLong.of(content.length), new ByteArrayInputStream(content)))
                .isInstanceOf(DeniedException.class)
                .hasMessageContaining("namespace team may store 1000 bytes")
                .hasMessageContaining("stores 600 and this push adds 500");
        assertThat(registry.metadata.blobSize(digest)).isEmpty();
        assertThat(registry.blobs.size(digest)).as("no content kept").isEmpty();
        assertThat(registry.blobs.listUploads()).as("no upload bytes kept").isEmpty();
        assertThat(team().blobBytes()).isEqualTo(600);
        assertThatThrownBy(() -> new GetUploadStatus(registry.writer).status(app, session.id(), ""))
                .as("the upload is gone with its bytes").isInstanceOf(BlobUploadUnknownException.class);
    }

    @Test
    void aBlobTheNamespaceHoldsCostsNothingAndAnotherNamespaceIsNotLimited() {
        byte[] layer = new byte[900];
        registry.push(app, layer);
        registry.metadata.setQuota("team", new Quota(OptionalLong.of(1000), OptionalLong.empty()));

        registry.push(web, layer);
        assertThat(registry.mount().mount(RepositoryName.parse("team/db"), Digest.of(DigestAlgorithm.SHA256, layer),
                Optional.of(app))).hasValue(900);
        registry.push(RepositoryName.parse("other/app"), new byte[5000]);
        assertThat(team().blobBytes()).isEqualTo(900);
    }

    @Test
    void aMountBeyondTheQuotaIsRefused() {
        Digest big = registry.push(RepositoryName.parse("other/app"), new byte[5000]);
        registry.metadata.setQuota("team", new Quota(OptionalLong.of(1000), OptionalLong.empty()));
        assertThatThrownBy(() -> registry.mount().mount(app, big, Optional.of(RepositoryName.parse("other/app"))))
                .isInstanceOf(DeniedException.class).hasMessageContaining("storage quota exceeded");
        assertThat(registry.metadata.linkedSize(app, big)).isEmpty();
    }

    @Test
    void aManifestBeyondTheQuotaIsRefusedAndARepeatedOneCostsNothing() {
        Digest config = registry.push(app, bytes("{}"));
        String json = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + config
                + "\",\"size\":2},\"layers\":[]}";
        registry.putManifest().put(app, Reference.parse("v1"), MediaType.OCI_MANIFEST_V1, bytes(json));
        registry.metadata.setQuota("team", new Quota(OptionalLong.of(team().storedBytes()), OptionalLong.empty()));

        registry.putManifest().put(app, Reference.parse("v2"), MediaType.OCI_MANIFEST_V1, bytes(json));
        assertThatThrownBy(() -> registry.putManifest().put(app, Reference.parse("v3"), MediaType.OCI_MANIFEST_V1,
                bytes(json.replace("\"layers\":[]", "\"layers\":[],\"annotations\":{\"a\":\"b\"}"))))
                .isInstanceOf(DeniedException.class);
        assertThat(registry.metadata.resolve(app, dev.berth.domain.Tag.parse("v3"))).isEmpty();
    }

    @Test
    void aNewRepositoryBeyondTheRepositoryQuotaIsRefused() {
        registry.push(app, new byte[1]);
        registry.metadata.setQuota("team", new Quota(OptionalLong.empty(), OptionalLong.of(1)));
        registry.push(app, new byte[2]);
        assertThatThrownBy(() -> registry.start().start(web, ""))
                .isInstanceOf(DeniedException.class)
                .hasMessage("repository quota exceeded: namespace team may have 1 repositories and has 1");
        assertThat(registry.metadata.exists(web)).isFalse();
    }
}
