package dev.berth.application.migration;

import dev.berth.domain.manifest.MediaType;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** How an imported registry:2 manifest's media type is read when the bytes do not name it. */
class ImportedMediaTypeTest {

    private static MediaType of(String json) {
        return ImportRegistry.mediaTypeOf(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void schema1AsDistributionStoresItIsUnsignedAndWithSignaturesSigned() {
        // Distribution keeps a pushed schema 1 manifest without its signatures
        assertThat(of("{\"schemaVersion\":1,\"name\":\"a\",\"fsLayers\":[],\"history\":[]}"))
                .isEqualTo(MediaType.DOCKER_MANIFEST_V1);
        assertThat(of("{\"schemaVersion\":1,\"name\":\"a\",\"fsLayers\":[],\"history\":[],\"signatures\":[]}"))
                .isEqualTo(MediaType.DOCKER_MANIFEST_V1_SIGNED);
    }
}
