package dev.berth.adminui;

import dev.berth.domain.manifest.MediaType;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** An artifact is named by what it is, an image by its manifest type. */
class MediaTypesTest {

    @Test
    void anArtifactByItsKindAnImageByItsManifestType() {
        assertThat(MediaTypes.label(MediaType.OCI_MANIFEST_V1, Optional.of("application/spdx+json"))).isEqualTo("SBOM (SPDX)");
        assertThat(MediaTypes.label(MediaType.OCI_MANIFEST_V1, Optional.of("application/vnd.dev.cosign.artifact.sig.v1+json")))
                .isEqualTo("Signature (cosign)");
        assertThat(MediaTypes.label(MediaType.OCI_MANIFEST_V1, Optional.of("application/vnd.in-toto+json")))
                .isEqualTo("Attestation (in-toto)");
        assertThat(MediaTypes.label(MediaType.OCI_MANIFEST_V1, Optional.of("application/vnd.example.thing")))
                .isEqualTo("Artifact (application/vnd.example.thing)");
        assertThat(MediaTypes.label(MediaType.OCI_MANIFEST_V1, Optional.empty())).isEqualTo("OCI image");
        assertThat(MediaTypes.label(MediaType.OCI_INDEX_V1, Optional.empty())).isEqualTo("OCI index");
    }
}
