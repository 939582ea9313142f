package dev.berth.domain.manifest;

import dev.berth.domain.error.ManifestInvalidException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MediaTypeTest {

    @Test
    void parsesTypeAndSubtype() {
        MediaType type = MediaType.parse("application/vnd.oci.image.layer.v1.tar+gzip");

        assertThat(type.type()).isEqualTo("application");
        assertThat(type.subtype()).isEqualTo("vnd.oci.image.layer.v1.tar+gzip");
        assertThat(type).hasToString("application/vnd.oci.image.layer.v1.tar+gzip");
    }

    @Test
    void normalisesToLowercase() {
        assertThat(MediaType.parse("Application/VND.OCI.Image.Manifest.v1+JSON")).isEqualTo(MediaType.OCI_MANIFEST_V1);
        assertThat(new MediaType("TEXT", "Plain")).hasToString("text/plain");
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/octet-stream", "text/plain", "application/vnd.cncf.helm.config.v1+json",
            "application/vnd.dev.cosign.simplesigning.v1+json", "a/b", "x-custom/x!#$&-^_.+y", "1/2"})
    void acceptsRfc6838RestrictedNames(String text) {
        assertThat(MediaType.parse(text)).hasToString(text);
    }

    @Test
    void knowsTheRegistryMediaTypes() {
        assertThat(MediaType.DOCKER_MANIFEST_V2).hasToString("application/vnd.docker.distribution.manifest.v2+json");
        assertThat(MediaType.DOCKER_MANIFEST_LIST_V2)
                .hasToString("application/vnd.docker.distribution.manifest.list.v2+json");
        assertThat(MediaType.OCI_MANIFEST_V1).hasToString("application/vnd.oci.image.manifest.v1+json");
        assertThat(MediaType.OCI_INDEX_V1).hasToString("application/vnd.oci.image.index.v1+json");
        assertThat(MediaType.DOCKER_CONTAINER_CONFIG_V1).hasToString("application/vnd.docker.container.image.v1+json");
        assertThat(MediaType.OCI_CONFIG_V1).hasToString("application/vnd.oci.image.config.v1+json");
        assertThat(MediaType.OCI_EMPTY_V1).hasToString("application/vnd.oci.empty.v1+json");
        assertThat(MediaType.DOCKER_MANIFEST_V1).hasToString("application/vnd.docker.distribution.manifest.v1+json");
        assertThat(MediaType.DOCKER_MANIFEST_V1_SIGNED)
                .hasToString("application/vnd.docker.distribution.manifest.v1+prettyjws");
    }

    @Test
    void contentTypesLoseTheirParametersAndBlanks() {
        assertThat(MediaType.parseContentType("application/vnd.oci.image.manifest.v1+json; charset=utf-8"))
                .isEqualTo(MediaType.OCI_MANIFEST_V1);
        assertThat(MediaType.parseContentType(" application/json ")).hasToString("application/json");
        assertThat(MediaType.parseContentType("text/plain;")).hasToString("text/plain");
        assertThatThrownBy(() -> MediaType.parseContentType("; charset=utf-8"))
                .isInstanceOf(ManifestInvalidException.class);
    }

    @ParameterizedTest(name = "[{0}]")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            ``                              | invalid media type '': expected type/subtype
            application                     | invalid media type 'application': expected type/subtype
            /json                           | invalid media type '/json': media type must not be empty
            application/                    | invalid media type 'application/': media subtype must not be empty
            application/vnd+json/x          | invalid character '/' in media subtype
            application/json; charset=utf-8 | invalid character ';' in media subtype
            `application/json `             | invalid character ' ' in media subtype
            `application /json`             | invalid character ' ' in media type
            application/.json               | media subtype must start with a letter or digit
            +app/json                       | media type must start with a letter or digit
            applic@tion/json                | invalid character '@' in media type
            application/js*n                | invalid character '*' in media subtype
            application/jsön                | invalid character '\\u00f6' in media subtype
            """)
    void rejectsEverythingElse(String text, String detail) {
        assertThatThrownBy(() -> MediaType.parse(text))
                .isInstanceOfSatisfying(ManifestInvalidException.class, e -> {
                    assertThat(e.code()).isEqualTo("MANIFEST_INVALID");
                    assertThat(e.detail()).contains(detail);
                });
    }

    @Test
    void boundsEachPartTo127AndTheWholeTo255Characters() {
        String longest = "t".repeat(127) + "/" + "s".repeat(127);

        assertThat(MediaType.parse(longest).toString()).hasSize(255);
        assertThatThrownBy(() -> MediaType.parse("t".repeat(128) + "/s"))
                .isInstanceOfSatisfying(ManifestInvalidException.class,
                        e -> assertThat(e.detail()).endsWith("media type must not exceed 127 characters"));
        assertThatThrownBy(() -> MediaType.parse("t/" + "s".repeat(128)))
                .isInstanceOfSatisfying(ManifestInvalidException.class,
                        e -> assertThat(e.detail()).endsWith("media subtype must not exceed 127 characters"));
        assertThatThrownBy(() -> MediaType.parse("t/" + "s".repeat(1_000_000)))
                .isInstanceOfSatisfying(ManifestInvalidException.class,
                        e -> assertThat(e.detail()).endsWith("longer than 255 characters").hasSizeLessThan(200));
    }
}
