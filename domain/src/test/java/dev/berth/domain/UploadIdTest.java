package dev.berth.domain;

import dev.berth.domain.error.BlobUploadUnknownException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UploadIdTest {

    @Test
    void parsesTheCanonicalForm() {
        UploadId id = UploadId.parse("3f2a9c1e-8b7d-4e6f-a5b4-c3d2e1f0a9b8");

        assertThat(id.value()).isEqualTo(UUID.fromString("3f2a9c1e-8b7d-4e6f-a5b4-c3d2e1f0a9b8"));
        assertThat(id).hasToString("3f2a9c1e-8b7d-4e6f-a5b4-c3d2e1f0a9b8");
    }

    @Test
    void randomIdsAreDistinctAndRoundTrip() {
        UploadId first = UploadId.random();
        UploadId second = UploadId.random();

        assertThat(first).isNotEqualTo(second);
        assertThat(UploadId.parse(first.toString())).isEqualTo(first);
        assertThat(first.value().version()).isEqualTo(4);
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"", "not-a-uuid", "3F2A9C1E-8B7D-4E6F-A5B4-C3D2E1F0A9B8", "3f2a9c1e8b7d4e6fa5b4c3d2e1f0a9b8",
            "1-1-1-1-1", "3f2a9c1e-8b7d-4e6f-a5b4-c3d2e1f0a9b", "3f2a9c1e-8b7d-4e6f-a5b4-c3d2e1f0a9b8a",
            "3f2a9c1e-8b7d-4e6f-a5b4_c3d2e1f0a9b8", "3f2a9c1e-8b7d-4e6f-a5b4-c3d2e1f0a9bg", "../../etc/passwd"})
    void anythingElseIsAnUnknownUpload(String text) {
        assertThatThrownBy(() -> UploadId.parse(text))
                .isInstanceOfSatisfying(BlobUploadUnknownException.class, e -> {
                    assertThat(e.code()).isEqualTo("BLOB_UPLOAD_UNKNOWN");
                    assertThat(e.detail()).startsWith("not an upload id: ");
                });
    }

    @Test
    void nullIsAProgrammingError() {
        assertThatThrownBy(() -> new UploadId(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> UploadId.parse(null)).isInstanceOf(NullPointerException.class);
    }
}
