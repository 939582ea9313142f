package dev.berth.domain.manifest;

import dev.berth.domain.Digest;
import dev.berth.domain.DigestAlgorithm;
import dev.berth.domain.error.ManifestInvalidException;
import dev.berth.domain.error.SizeInvalidException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DescriptorTest {

    static final MediaType LAYER = MediaType.parse("application/vnd.oci.image.layer.v1.tar+gzip");
    static final Digest EMPTY_JSON = Digest.parse(
            "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");

    @Test
    void ofHasNothingOptional() {
        Descriptor descriptor = Descriptor.of(LAYER, Digest.EMPTY_BLOB, 0);

        assertThat(descriptor.mediaType()).isEqualTo(LAYER);
        assertThat(descriptor.digest()).isEqualTo(Digest.EMPTY_BLOB);
        assertThat(descriptor.size()).isZero();
        assertThat(descriptor.urls()).isEmpty();
        assertThat(descriptor.annotations()).isEmpty();
        assertThat(descriptor.artifactType()).isNull();
        assertThat(descriptor.platform()).isNull();
    }

    @Test
    void negativeSizeIsInvalid() {
        assertThatThrownBy(() -> Descriptor.of(LAYER, Digest.EMPTY_BLOB, -1))
                .isInstanceOfSatisfying(SizeInvalidException.class, e -> {
                    assertThat(e.code()).isEqualTo("SIZE_INVALID");
                    assertThat(e.detail()).isEqualTo("descriptor size must not be negative, got -1");
                });
    }

    @Test
    void copiesItsCollections() {
        List<String> urls = new ArrayList<>(List.of("https://example.com/layer.tar.gz"));
        Map<String, String> annotations = new HashMap<>(Map.of("k", "v"));

        Descriptor descriptor = new Descriptor(LAYER, Digest.EMPTY_BLOB, 0, urls, annotations, null, null);
        urls.clear();
        annotations.clear();

        assertThat(descriptor.urls()).containsExactly("https://example.com/layer.tar.gz");
        assertThat(descriptor.annotations()).containsExactly(Map.entry("k", "v"));
        assertThatThrownBy(() -> descriptor.urls().add("x")).isInstanceOf(UnsupportedOperationException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://example.com/a", "https://mcr.microsoft.com/v2/windows/blobs/sha256:abc",
            "HTTPS://EXAMPLE.COM/x?y=z"})
    void acceptsHttpUrls(String url) {
        assertThat(new Descriptor(LAYER, Digest.EMPTY_BLOB, 0, List.of(url), Map.of(), null, null).urls())
                .containsExactly(url);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://example.com/a", "file:///etc/passwd", "/relative/path", "https:opaque",
            "https://example.com/a#fragment", "http://exa mple.com/", ""})
    void rejectsOtherUrls(String url) {
        assertThatThrownBy(() -> new Descriptor(LAYER, Digest.EMPTY_BLOB, 0, List.of(url), Map.of(), null, null))
                .isInstanceOfSatisfying(ManifestInvalidException.class,
                        e -> assertThat(e.detail()).startsWith("descriptor url "));
    }

    @Test
    void anEmptyDescriptorMustDescribeTheTwoBytesOfAnEmptyObject() {
        assertThat(Descriptor.of(MediaType.OCI_EMPTY_V1, EMPTY_JSON, 2).size()).isEqualTo(2);
        Digest sha512OfEmptyJson = Digest.of(DigestAlgorithm.SHA512, "{}".getBytes(StandardCharsets.US_ASCII));
        assertThat(Descriptor.of(MediaType.OCI_EMPTY_V1, sha512OfEmptyJson, 2).digest()).isEqualTo(sha512OfEmptyJson);

        assertThatThrownBy(() -> Descriptor.of(MediaType.OCI_EMPTY_V1, EMPTY_JSON, 3))
                .isInstanceOfSatisfying(ManifestInvalidException.class, e -> assertThat(e.detail())
                        .isEqualTo("application/vnd.oci.empty.v1+json descriptor must describe the 2-byte content {}"));
        assertThatThrownBy(() -> Descriptor.of(MediaType.OCI_EMPTY_V1, Digest.EMPTY_BLOB, 2))
                .isInstanceOf(ManifestInvalidException.class);
    }

    @Test
    void requiredPartsAreNotNull() {
        assertThatThrownBy(() -> Descriptor.of(null, Digest.EMPTY_BLOB, 0)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> Descriptor.of(LAYER, null, 0)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void platformNeedsArchitectureAndOs() {
        Platform platform = new Platform("arm64", "linux", "v8", null, List.of());

        assertThat(platform.variant()).isEqualTo("v8");
        assertThat(platform.osFeatures()).isEmpty();
        assertThatThrownBy(() -> new Platform("", "linux", null, null, List.of()))
                .isInstanceOfSatisfying(ManifestInvalidException.class,
                        e -> assertThat(e.detail()).isEqualTo("platform architecture must not be empty"));
        assertThatThrownBy(() -> new Platform("amd64", "", null, null, List.of()))
                .isInstanceOfSatisfying(ManifestInvalidException.class,
                        e -> assertThat(e.detail()).isEqualTo("platform os must not be empty"));
        assertThatThrownBy(() -> new Platform(null, "linux", null, null, List.of()))
                .isInstanceOf(NullPointerException.class);
    }
}
