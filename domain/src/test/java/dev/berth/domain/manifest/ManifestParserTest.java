package dev.berth.domain.manifest;

import dev.berth.domain.Digest;
import dev.berth.domain.error.DigestInvalidException;
import dev.berth.domain.error.ManifestInvalidException;
import dev.berth.domain.json.JsonSyntaxException;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static dev.berth.domain.manifest.Manifests.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class ManifestParserTest {

    private static final MediaType DOCKER_LAYER = MediaType.parse("application/vnd.docker.image.rootfs.diff.tar.gzip");

    private static ParsedManifest parse(String json, MediaType declared) {
        return ManifestParser.parse(bytes(json), declared);
    }

    /** The detail of the {@link ManifestInvalidException} that parsing must throw. */
    private static String rejection(String json, MediaType declared) {
        try {
            parse(json, declared);
        } catch (ManifestInvalidException e) {
            assertThat(e.code()).isEqualTo("MANIFEST_INVALID");
            return e.detail();
        }
        throw new AssertionError("accepted as " + declared + ": " + json);
    }

    /** A minimal valid OCI image manifest with {@code layer} as its only layer. */
    private static String ociManifestWithLayer(String layer) {
        return """
                {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                 "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "size": 10,
                            "digest": "%s"},
                 "layers": [%s]}""".formatted(Manifests.CONFIG_DIGEST, layer);
    }

    private static String layer(String digest, String size) {
        return "{\"mediaType\": \"application/vnd.oci.image.layer.v1.tar+gzip\", \"digest\": \"%s\", \"size\": %s}"
                .formatted(digest, size);
    }

    @Nested
    class RealisticManifests {

        @Test
        void dockerImageWithThreeLayers() {
            ParsedManifest parsed = parse(Manifests.DOCKER_IMAGE, MediaType.DOCKER_MANIFEST_V2);

            ImageManifest image = (ImageManifest) parsed;
            assertThat(image.mediaType()).isEqualTo(MediaType.DOCKER_MANIFEST_V2);
            assertThat(image.schemaVersion()).isEqualTo(2);
            assertThat(image.config()).isEqualTo(Descriptor.of(MediaType.DOCKER_CONTAINER_CONFIG_V1,
                    Digest.parse(Manifests.CONFIG_DIGEST), 7023));
            assertThat(image.layers()).containsExactly(
                    Descriptor.of(DOCKER_LAYER, Digest.parse(Manifests.LAYER_1), 32654),
                    Descriptor.of(DOCKER_LAYER, Digest.parse(Manifests.LAYER_2), 16724),
                    Descriptor.of(DOCKER_LAYER, Digest.parse(Manifests.LAYER_3), 73109));
            assertThat(image.artifactType()).isNull();
            assertThat(image.subject()).isNull();
            assertThat(image.annotations()).isEmpty();
            assertThat(image.referencedBlobs()).extracting(d -> d.digest().toString()).containsExactly(
                    Manifests.CONFIG_DIGEST, Manifests.LAYER_1, Manifests.LAYER_2, Manifests.LAYER_3);
            assertThat(image.referencedManifests()).isEmpty();
        }

        @Test
        void dockerManifestListWithTwoPlatforms() {
            ImageIndex list = (ImageIndex) parse(Manifests.DOCKER_MANIFEST_LIST, MediaType.DOCKER_MANIFEST_LIST_V2);

            assertThat(list.mediaType()).isEqualTo(MediaType.DOCKER_MANIFEST_LIST_V2);
            assertThat(list.manifests()).extracting(Descriptor::platform).containsExactly(
                    new Platform("amd64", "linux", null, null, List.of()),
                    new Platform("arm64", "linux", "v8", null, List.of()));
            assertThat(list.manifests()).allSatisfy(child -> {
                assertThat(child.mediaType()).isEqualTo(MediaType.DOCKER_MANIFEST_V2);
                assertThat(child.size()).isEqualTo(1570);
            });
            assertThat(list.referencedManifests()).extracting(d -> d.digest().toString())
                    .containsExactly(Manifests.AMD64_MANIFEST, Manifests.ARM64_MANIFEST);
            assertThat(list.referencedBlobs()).isEmpty();
        }

        @Test
        void ociIndexWithAnArtifactType() {
            ImageIndex index = (ImageIndex) parse(Manifests.OCI_INDEX_WITH_ARTIFACT_TYPE, MediaType.OCI_INDEX_V1);

            assertThat(index.artifactType()).isEqualTo(MediaType.parse("application/vnd.example.bundle.v1+json"));
            assertThat(index.annotations()).containsExactly(
                    Map.entry("org.opencontainers.image.created", "2024-05-01T12:00:00Z"));
            Descriptor sbom = index.manifests().get(0);
            assertThat(sbom.artifactType()).isEqualTo(MediaType.parse("application/spdx+json"));
            assertThat(sbom.platform()).isNull();
            assertThat(index.manifests().get(1).platform())
                    .isEqualTo(new Platform("amd64", "windows", null, "10.0.17763.1", List.of("win32k")));
            assertThat(index.subject()).isNull();
        }

        @Test
        void ociArtifactWithSubjectAndEmptyConfig() {
            ImageManifest artifact = (ImageManifest) parse(Manifests.OCI_ARTIFACT_WITH_SUBJECT,
                    MediaType.OCI_MANIFEST_V1);

            assertThat(artifact.artifactType()).isEqualTo(MediaType.parse("application/spdx+json"));
            assertThat(artifact.config()).isEqualTo(Descriptor.of(MediaType.OCI_EMPTY_V1,
                    Digest.parse(Manifests.EMPTY_JSON), 2));
            assertThat(artifact.layers()).singleElement().satisfies(layer -> {
                assertThat(layer.digest()).isEqualTo(Digest.parse(Manifests.SBOM_LAYER));
                assertThat(layer.annotations()).containsEntry("org.opencontainers.image.title", "sbom.spdx.json");
            });
            assertThat(artifact.subject()).isEqualTo(Descriptor.of(MediaType.OCI_MANIFEST_V1,
                    Digest.parse(Manifests.AMD64_MANIFEST), 1570));
            assertThat(artifact.referencedBlobs()).hasSize(2);
            assertThat(artifact.referencedManifests()).as("a subject need not exist").isEmpty();
        }

        @Test
        void ociManifestWithoutMediaTypeFieldAndACustomConfig() {
            ImageManifest chart = (ImageManifest) parse(Manifests.HELM_CHART, MediaType.OCI_MANIFEST_V1);

            assertThat(chart.mediaType()).isEqualTo(MediaType.OCI_MANIFEST_V1);
            assertThat(chart.config().mediaType()).hasToString("application/vnd.cncf.helm.config.v1+json");
            assertThat(chart.layers()).singleElement().extracting(Descriptor::size).isEqualTo(3617L);
            assertThat(chart.annotations()).containsEntry("org.opencontainers.image.version", "0.1.0");
        }

        @Test
        void ociIndexWithoutMediaTypeField() {
            String index = """
                    {"schemaVersion": 2, "manifests": [
                      {"mediaType": "application/vnd.oci.image.manifest.v1+json", "size": 7,
                       "digest": "%s"}]}""".formatted(Manifests.AMD64_MANIFEST);

            assertThat(parse(index, MediaType.OCI_INDEX_V1).referencedManifests()).hasSize(1);
        }

        @Test
        void emptyIndexAndManifestWithoutLayersAreAllowed() {
            String emptyIndex = "{\"schemaVersion\": 2, \"mediaType\": \"application/vnd.oci.image.index.v1+json\","
                    + " \"manifests\": []}";

            assertThat(parse(emptyIndex, MediaType.OCI_INDEX_V1).referencedManifests()).isEmpty();
            assertThat(parse(ociManifestWithLayer(""), MediaType.OCI_MANIFEST_V1).referencedBlobs()).hasSize(1);
        }

        @Test
        void declaredTypeIsComparedCaseInsensitively() {
            MediaType shouted = MediaType.parseContentType("Application/VND.Docker.Distribution.Manifest.V2+JSON");

            assertThat(parse(Manifests.DOCKER_IMAGE, shouted).mediaType()).isEqualTo(MediaType.DOCKER_MANIFEST_V2);
        }

        @Test
        void unknownFieldsAreIgnoredAndNullCountsAsAbsent() {
            String manifest = """
                    {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                     "x-vendor": {"anything": [1, true, null]}, "subject": null, "annotations": null,
                     "artifactType": null, "manifests": null,
                     "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "size": 10,
                                "digest": "%s", "urls": null, "platform": null, "newField": 1},
                     "layers": []}""".formatted(Manifests.CONFIG_DIGEST);

            ImageManifest image = (ImageManifest) parse(manifest, MediaType.OCI_MANIFEST_V1);

            assertThat(image.subject()).isNull();
            assertThat(image.annotations()).isEmpty();
            assertThat(image.artifactType()).isNull();
            assertThat(image.config().urls()).isEmpty();
        }

        @Test
        void foreignLayersKeepTheirUrls() {
            String foreign = """
                    {"mediaType": "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip", "size": 1,
                     "digest": "%s", "urls": ["https://mcr.microsoft.com/v2/windows/servercore/blobs/%s"]}"""
                    .formatted(Manifests.LAYER_1, Manifests.LAYER_1);

            ImageManifest image = (ImageManifest) parse(ociManifestWithLayer(foreign), MediaType.OCI_MANIFEST_V1);

            assertThat(image.layers().getFirst().urls()).singleElement().asString().startsWith("https://mcr");
            assertThat(image.foreignLayers()).containsExactly(image.layers().getFirst());
            assertThat(image.requiredBlobs()).containsExactly(image.config());
        }

        @Test
        void aConfigWithUrlsIsStillRequired() {
            String manifest = """
                    {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                     "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "size": 10,
                                "digest": "%s", "urls": ["https://elsewhere.example/config"]},
                     "layers": []}""".formatted(Manifests.CONFIG_DIGEST);

            ImageManifest image = (ImageManifest) parse(manifest, MediaType.OCI_MANIFEST_V1);

            assertThat(image.requiredBlobs()).containsExactly(image.config());
            assertThat(image.foreignLayers()).isEmpty();
        }
    }

    @Nested
    class DeclaredContentType {

        @Test
        void aSchema2PayloadDeclaredAsSchema1IsReadAsSchema1AndRefused() {
            assertThat(rejection(Manifests.DOCKER_IMAGE, MediaType.DOCKER_MANIFEST_V1))
                    .isEqualTo("a schema 1 manifest has no config, layers or manifests");
            assertThat(rejection(Manifests.DOCKER_IMAGE, MediaType.DOCKER_MANIFEST_V1_SIGNED))
                    .isEqualTo("signatures are required");
        }

        @Test
        void otherTypesAreRefusedBeforeLookingAtThePayload() {
            assertThat(rejection("{}", MediaType.parse("text/plain")))
                    .isEqualTo("unsupported manifest media type text/plain");
            assertThat(rejection(Manifests.DOCKER_IMAGE, MediaType.OCI_CONFIG_V1))
                    .isEqualTo("unsupported manifest media type application/vnd.oci.image.config.v1+json");
        }
    }

    @Nested
    class TypeConfusion {

        @Test
        void payloadMediaTypeMustEqualTheDeclaredType() {
            assertThat(rejection(Manifests.DOCKER_IMAGE, MediaType.OCI_MANIFEST_V1)).isEqualTo(
                    "mediaType application/vnd.docker.distribution.manifest.v2+json does not match the declared "
                            + "content type application/vnd.oci.image.manifest.v1+json");
            assertThat(rejection(Manifests.OCI_ARTIFACT_WITH_SUBJECT, MediaType.DOCKER_MANIFEST_V2))
                    .startsWith("mediaType application/vnd.oci.image.manifest.v1+json does not match");
        }

        @Test
        void anIndexCannotBePushedAsAnImageManifest() {
            assertThat(rejection(Manifests.OCI_INDEX_WITH_ARTIFACT_TYPE, MediaType.OCI_MANIFEST_V1))
                    .startsWith("mediaType application/vnd.oci.image.index.v1+json does not match");
            assertThat(rejection(Manifests.DOCKER_MANIFEST_LIST, MediaType.DOCKER_MANIFEST_V2))
                    .startsWith("mediaType application/vnd.docker.distribution.manifest.list.v2+json does not match");
        }

        @Test
        void anImageManifestCannotBePushedAsAnIndex() {
            assertThat(rejection(Manifests.OCI_ARTIFACT_WITH_SUBJECT, MediaType.OCI_INDEX_V1))
                    .startsWith("mediaType application/vnd.oci.image.manifest.v1+json does not match");
            assertThat(rejection(Manifests.DOCKER_IMAGE, MediaType.DOCKER_MANIFEST_LIST_V2))
                    .startsWith("mediaType application/vnd.docker.distribution.manifest.v2+json does not match");
        }

        @Test
        void withoutMediaTypeAnIndexShapedPayloadIsNoImageManifest() {
            String indexShaped = "{\"schemaVersion\": 2, \"manifests\": []}";

            assertThat(rejection(indexShaped, MediaType.OCI_MANIFEST_V1)).isEqualTo(
                    "declared as application/vnd.oci.image.manifest.v1+json but has manifests, like an index");
        }

        @Test
        void withoutMediaTypeAnImageShapedPayloadIsNoIndex() {
            assertThat(rejection(Manifests.HELM_CHART, MediaType.OCI_INDEX_V1)).isEqualTo(
                    "declared as application/vnd.oci.image.index.v1+json but has config or layers, like an image manifest");
            assertThat(rejection("{\"schemaVersion\": 2, \"layers\": []}", MediaType.OCI_INDEX_V1))
                    .endsWith("but has config or layers, like an image manifest");
        }

        @Test
        void manifestsTogetherWithConfigOrLayersIsAlwaysInvalid() {
            String both = """
                    {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
                     "manifests": [], "layers": []}""";
            String polyglot = """
                    {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                     "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "size": 1, "digest": "%s"},
                     "layers": [], "manifests": []}""".formatted(Manifests.CONFIG_DIGEST);

            assertThat(rejection(both, MediaType.OCI_INDEX_V1))
                    .isEqualTo("a manifest cannot have both manifests and config or layers");
            assertThat(rejection(polyglot, MediaType.OCI_MANIFEST_V1))
                    .isEqualTo("a manifest cannot have both manifests and config or layers");
            assertThat(rejection(polyglot.replace("\"mediaType\": \"application/vnd.oci.image.manifest.v1+json\",", ""),
                    MediaType.OCI_INDEX_V1)).isEqualTo("a manifest cannot have both manifests and config or layers");
        }

        @Test
        void dockerManifestsMustStateTheirMediaType() {
            String withoutMediaType = Manifests.DOCKER_IMAGE
                    .replace("\"mediaType\": \"application/vnd.docker.distribution.manifest.v2+json\",", "");
            String listWithoutMediaType = Manifests.DOCKER_MANIFEST_LIST
                    .replace("\"mediaType\": \"application/vnd.docker.distribution.manifest.list.v2+json\",", "");

            assertThat(rejection(withoutMediaType, MediaType.DOCKER_MANIFEST_V2)).isEqualTo(
                    "mediaType is required in application/vnd.docker.distribution.manifest.v2+json manifests");
            assertThat(rejection(listWithoutMediaType, MediaType.DOCKER_MANIFEST_LIST_V2)).isEqualTo(
                    "mediaType is required in application/vnd.docker.distribution.manifest.list.v2+json manifests");
        }

        @Test
        void payloadMediaTypeMustBeAValidString() {
            assertThat(rejection("{\"schemaVersion\": 2, \"mediaType\": 7}", MediaType.OCI_INDEX_V1))
                    .isEqualTo("mediaType must be a string");
            assertThat(rejection("{\"schemaVersion\": 2, \"mediaType\": \"oci index\"}", MediaType.OCI_INDEX_V1))
                    .isEqualTo("mediaType: invalid media type 'oci index': expected type/subtype");
        }
    }

    @Nested
    class MalformedPayloads {

        @Test
        void schemaVersionMustBe2() {
            String manifest = Manifests.DOCKER_IMAGE;

            assertThat(rejection(manifest.replace("\"schemaVersion\": 2", "\"schemaVersion\": 1"),
                    MediaType.DOCKER_MANIFEST_V2)).isEqualTo("schemaVersion must be 2");
            assertThat(rejection(manifest.replace("\"schemaVersion\": 2", "\"schemaVersion\": 3"),
                    MediaType.DOCKER_MANIFEST_V2)).isEqualTo("schemaVersion must be 2");
            assertThat(rejection(manifest.replace("\"schemaVersion\": 2", "\"schemaVersion\": \"2\""),
                    MediaType.DOCKER_MANIFEST_V2)).isEqualTo("schemaVersion must be 2");
            assertThat(rejection(manifest.replace("\"schemaVersion\": 2", "\"schemaVersion\": 2.5"),
                    MediaType.DOCKER_MANIFEST_V2)).isEqualTo("schemaVersion must be 2");
            assertThat(rejection(manifest.replace("\"schemaVersion\": 2", "\"schemaVersion\": null"),
                    MediaType.DOCKER_MANIFEST_V2)).isEqualTo("schemaVersion is required");
            assertThat(rejection(manifest.replace("\"schemaVersion\": 2,", ""),
                    MediaType.DOCKER_MANIFEST_V2)).isEqualTo("schemaVersion is required");
        }

        @Test
        void badDigestInALayerNamesTheLayer() {
            String badThird = Manifests.DOCKER_IMAGE.replace(Manifests.LAYER_3, "sha256:ec4b89559586");

            ManifestInvalidException e = catchThrowableOfType(ManifestInvalidException.class,
                    () -> parse(badThird, MediaType.DOCKER_MANIFEST_V2));

            assertThat(e.detail()).isEqualTo("layers[2].digest: sha256 digest must have 64 hex characters, not 12");
            assertThat(e.getCause()).isInstanceOf(DigestInvalidException.class);
        }

        @ParameterizedTest(name = "[{0}]")
        @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
                -1                   | layers[0].size must be a non-negative integer
                1.5                  | layers[0].size must be a non-negative integer
                `"12"`               | layers[0].size must be a non-negative integer
                true                 | layers[0].size must be a non-negative integer
                9223372036854775808  | layers[0].size must be a non-negative integer
                1e400                | layers[0].size must be a non-negative integer
                null                 | layers[0].size is required
                """)
        void sizeMustBeANonNegativeLong(String size, String detail) {
            assertThat(rejection(ociManifestWithLayer(layer(Manifests.LAYER_1, size)), MediaType.OCI_MANIFEST_V1))
                    .isEqualTo(detail);
        }

        @Test
        void largestSizeIsLongMax() {
            String manifest = ociManifestWithLayer(layer(Manifests.LAYER_1, "9223372036854775807"));

            assertThat(((ImageManifest) parse(manifest, MediaType.OCI_MANIFEST_V1)).layers().getFirst().size())
                    .isEqualTo(Long.MAX_VALUE);
        }

        /** In the layers below, {@code DIGEST} stands for a valid digest and {@code UPPER} for it in uppercase. */
        @ParameterizedTest(name = "[{0}]")
        @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
                `{"digest": "DIGEST", "size": 1}`                            | layers[0].mediaType is required
                `{"mediaType": "tar", "digest": "DIGEST", "size": 1}`        | layers[0].mediaType: invalid media type 'tar': expected type/subtype
                `{"mediaType": "a/b", "size": 1}`                            | layers[0].digest is required
                `{"mediaType": "a/b", "digest": 5, "size": 1}`               | layers[0].digest must be a string
                `{"mediaType": "a/b", "digest": "md5:abc", "size": 1}`       | layers[0].digest: unsupported digest algorithm 'md5': use sha256 or sha512
                `{"mediaType": "a/b", "digest": "UPPER", "size": 1}`         | layers[0].digest: digest must be lowercase hex, found 'E' at index 0
                `{"mediaType": "a/b", "digest": "DIGEST"}`                   | layers[0].size is required
                `{"mediaType": "a/b", "digest": "DIGEST", "size": 1, "urls": "https://x"}`   | layers[0].urls must be an array
                `{"mediaType": "a/b", "digest": "DIGEST", "size": 1, "urls": [1]}`           | layers[0].urls[0] must be a string
                `{"mediaType": "a/b", "digest": "DIGEST", "size": 1, "urls": ["file:///x"]}` | layers[0]: descriptor url must be an absolute http(s) URL without fragment: 'file:///x'
                `{"mediaType": "a/b", "digest": "DIGEST", "size": 1, "annotations": {"k": 1}}` | layers[0].annotations['k'] must be a string
                `{"mediaType": "a/b", "digest": "DIGEST", "size": 1, "annotations": ["k"]}`  | layers[0].annotations must be an object
                `{"mediaType": "a/b", "digest": "DIGEST", "size": 1, "artifactType": "x"}`   | layers[0].artifactType: invalid media type 'x': expected type/subtype
                `{"mediaType": "application/vnd.oci.empty.v1+json", "digest": "DIGEST", "size": 2}` | layers[0]: application/vnd.oci.empty.v1+json descriptor must describe the 2-byte content {}
                `"DIGEST"`                                                   | layers[0] must be an object
                """)
        void everyDescriptorFieldIsChecked(String layer, String detail) {
            String uppercase = "sha256:" + Manifests.LAYER_1.substring("sha256:".length()).toUpperCase(Locale.ROOT);
            String withDigests = layer.replace("DIGEST", Manifests.LAYER_1).replace("UPPER", uppercase);
            assertThat(rejection(ociManifestWithLayer(withDigests), MediaType.OCI_MANIFEST_V1)).isEqualTo(detail);
        }

        @Test
        void imageManifestsNeedConfigAndLayers() {
            assertThat(rejection("{\"schemaVersion\": 2, \"layers\": []}", MediaType.OCI_MANIFEST_V1))
                    .isEqualTo("config is required");
            assertThat(rejection("{\"schemaVersion\": 2, \"config\": [], \"layers\": []}", MediaType.OCI_MANIFEST_V1))
                    .isEqualTo("config must be an object");
            assertThat(rejection(ociManifestWithLayer("").replace("\"layers\": []", "\"layers\": null"),
                    MediaType.OCI_MANIFEST_V1)).isEqualTo("layers is required");
            assertThat(rejection(ociManifestWithLayer("").replace("\"layers\": []", "\"layers\": {}"),
                    MediaType.OCI_MANIFEST_V1)).isEqualTo("layers must be an array");
        }

        @Test
        void emptyConfigMustBeTheEmptyObject() {
            String wrongSize = Manifests.OCI_ARTIFACT_WITH_SUBJECT.replace("\"size\": 2,", "\"size\": 3,");

            assertThat(rejection(wrongSize, MediaType.OCI_MANIFEST_V1))
                    .isEqualTo("config: application/vnd.oci.empty.v1+json descriptor must describe the 2-byte content {}");
        }

        @Test
        void indexesNeedManifests() {
            String index = "{\"schemaVersion\": 2, \"mediaType\": \"application/vnd.oci.image.index.v1+json\"}";

            assertThat(rejection(index, MediaType.OCI_INDEX_V1)).isEqualTo("manifests is required");
            assertThat(rejection(index.replace("}", ", \"manifests\": [[]]}"), MediaType.OCI_INDEX_V1))
                    .isEqualTo("manifests[0] must be an object");
        }

        @Test
        void platformsAreChecked() {
            String noArchitecture = Manifests.DOCKER_MANIFEST_LIST.replace("\"architecture\": \"arm64\", ", "");
            String emptyOs = Manifests.DOCKER_MANIFEST_LIST.replace("\"os\": \"linux\"}", "\"os\": \"\"}");
            String badFeatures = Manifests.OCI_INDEX_WITH_ARTIFACT_TYPE.replace("[\"win32k\"]", "\"win32k\"");
            String notAnObject = Manifests.DOCKER_MANIFEST_LIST.replace("{\"architecture\": \"amd64\", \"os\": \"linux\"}",
                    "\"linux/amd64\"");

            assertThat(rejection(noArchitecture, MediaType.DOCKER_MANIFEST_LIST_V2))
                    .isEqualTo("manifests[1].platform.architecture is required");
            assertThat(rejection(emptyOs, MediaType.DOCKER_MANIFEST_LIST_V2))
                    .isEqualTo("manifests[0].platform: platform os must not be empty");
            assertThat(rejection(badFeatures, MediaType.OCI_INDEX_V1))
                    .isEqualTo("manifests[1].platform.os.features must be an array");
            assertThat(rejection(notAnObject, MediaType.DOCKER_MANIFEST_LIST_V2))
                    .isEqualTo("manifests[0].platform must be an object");
        }

        @Test
        void subjectAndArtifactTypeAreChecked() {
            String badSubjectDigest = Manifests.OCI_ARTIFACT_WITH_SUBJECT.replace(Manifests.AMD64_MANIFEST, "sha256:x");
            String subjectNotObject = Manifests.OCI_ARTIFACT_WITH_SUBJECT.replaceFirst(
                    "\"subject\": \\{[^}]*}", "\"subject\": \"" + Manifests.AMD64_MANIFEST + "\"");
            String badArtifactType = Manifests.OCI_ARTIFACT_WITH_SUBJECT
                    .replace("\"artifactType\": \"application/spdx+json\"", "\"artifactType\": \"spdx\"");

            assertThat(rejection(badSubjectDigest, MediaType.OCI_MANIFEST_V1))
                    .isEqualTo("subject.digest: sha256 digest must have 64 hex characters, not 1");
            assertThat(rejection(subjectNotObject, MediaType.OCI_MANIFEST_V1)).isEqualTo("subject must be an object");
            assertThat(rejection(badArtifactType, MediaType.OCI_MANIFEST_V1))
                    .isEqualTo("artifactType: invalid media type 'spdx': expected type/subtype");
        }

        @Test
        void annotationsMustMapStringsToStrings() {
            String numberValue = Manifests.HELM_CHART.replace("\"0.1.0\"", "0.1");
            String arrayAnnotations = Manifests.OCI_INDEX_WITH_ARTIFACT_TYPE.replace(
                    "{\"org.opencontainers.image.created\": \"2024-05-01T12:00:00Z\"}", "[]");

            assertThat(rejection(numberValue, MediaType.OCI_MANIFEST_V1))
                    .isEqualTo("annotations['org.opencontainers.image.version'] must be a string");
            assertThat(rejection(arrayAnnotations, MediaType.OCI_INDEX_V1)).isEqualTo("annotations must be an object");
        }

        @Test
        void rootMustBeAnObject() {
            assertThat(rejection("[]", MediaType.OCI_MANIFEST_V1)).isEqualTo("manifest must be a JSON object");
            assertThat(rejection("\"manifest\"", MediaType.OCI_INDEX_V1)).isEqualTo("manifest must be a JSON object");
            assertThat(rejection("null", MediaType.OCI_INDEX_V1)).isEqualTo("manifest must be a JSON object");
        }

        @Test
        void invalidJsonIsAnInvalidManifest() {
            String twice = Manifests.HELM_CHART.replace("{\"schemaVersion\":2,", "{\"schemaVersion\":2,\"schemaVersion\":2,");

            ManifestInvalidException duplicate = catchThrowableOfType(ManifestInvalidException.class,
                    () -> parse(twice, MediaType.OCI_MANIFEST_V1));

            assertThat(duplicate.detail()).isEqualTo("invalid JSON: duplicate key 'schemaVersion' at byte offset 19");
            assertThat(duplicate.getCause()).isInstanceOf(JsonSyntaxException.class);
            assertThat(rejection(Manifests.DOCKER_IMAGE + "\n}", MediaType.DOCKER_MANIFEST_V2))
                    .startsWith("invalid JSON: unexpected content after the JSON value");
            assertThat(rejection("", MediaType.OCI_MANIFEST_V1))
                    .isEqualTo("invalid JSON: unexpected end of input at byte offset 0");
            assertThat(rejection(Manifests.DOCKER_IMAGE.substring(0, 100), MediaType.DOCKER_MANIFEST_V2))
                    .startsWith("invalid JSON: ");
        }

        @Test
        void tooDeepNestingIsRefusedEvenInUnknownFields() {
            String deep = Manifests.HELM_CHART.replace("{\"schemaVersion\":2,",
                    "{\"schemaVersion\":2,\"x\":" + "[".repeat(64) + "]".repeat(64) + ",");

            assertThat(rejection(deep, MediaType.OCI_MANIFEST_V1))
                    .isEqualTo("invalid JSON: nesting deeper than 64 levels at byte offset 86");
        }

        @Test
        void invalidUtf8IsRefused() {
            byte[] payload = bytes(Manifests.HELM_CHART.replace("mychart", "my?chart"));
            payload[new String(payload, StandardCharsets.ISO_8859_1).indexOf('?')] = (byte) 0xff;

            assertThatThrownBy(() -> ManifestParser.parse(payload, MediaType.OCI_MANIFEST_V1))
                    .isInstanceOfSatisfying(ManifestInvalidException.class,
                            e -> assertThat(e.detail()).startsWith("invalid JSON: invalid UTF-8 at byte offset"));
        }
    }

    @Nested
    class ParsedView {

        private final Descriptor config = Descriptor.of(MediaType.OCI_CONFIG_V1, Digest.parse(Manifests.CONFIG_DIGEST), 1);

        @Test
        void imageManifestOnlyHasImageManifestTypesAndVersion2() {
            assertThatThrownBy(() -> new ImageManifest(MediaType.OCI_INDEX_V1, 2, null, config, List.of(), null, Map.of()))
                    .isInstanceOfSatisfying(ManifestInvalidException.class, e -> assertThat(e.detail())
                            .isEqualTo("application/vnd.oci.image.index.v1+json is not an image manifest media type"));
            assertThatThrownBy(() -> new ImageManifest(MediaType.OCI_MANIFEST_V1, 1, null, config, List.of(), null,
                    Map.of()))
                    .isInstanceOfSatisfying(ManifestInvalidException.class,
                            e -> assertThat(e.detail()).isEqualTo("schemaVersion must be 2, got 1"));
            assertThatThrownBy(() -> new ImageManifest(MediaType.OCI_MANIFEST_V1, 2, null, null, List.of(), null,
                    Map.of())).isInstanceOf(NullPointerException.class);
        }

        @Test
        void imageIndexOnlyHasIndexTypesAndVersion2() {
            assertThatThrownBy(() -> new ImageIndex(MediaType.DOCKER_MANIFEST_V2, 2, null, List.of(), null, Map.of()))
                    .isInstanceOfSatisfying(ManifestInvalidException.class, e -> assertThat(e.detail()).isEqualTo(
                            "application/vnd.docker.distribution.manifest.v2+json is not an image index media type"));
            assertThatThrownBy(() -> new ImageIndex(MediaType.OCI_INDEX_V1, 3, null, List.of(), null, Map.of()))
                    .isInstanceOfSatisfying(ManifestInvalidException.class,
                            e -> assertThat(e.detail()).isEqualTo("schemaVersion must be 2, got 3"));
        }

        @Test
        void isImmutable() {
            ImageManifest image = (ImageManifest) parse(Manifests.DOCKER_IMAGE, MediaType.DOCKER_MANIFEST_V2);

            assertThatThrownBy(() -> image.layers().clear()).isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(() -> image.referencedBlobs().clear()).isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(() -> image.annotations().put("k", "v")).isInstanceOf(UnsupportedOperationException.class);
        }

        @Test
        void callersCanSwitchExhaustively() {
            ParsedManifest parsed = parse(Manifests.DOCKER_MANIFEST_LIST, MediaType.DOCKER_MANIFEST_LIST_V2);

            int children = switch (parsed) {
                case ImageManifest image -> 0;
                case ImageIndex index -> index.manifests().size();
                case SchemaOneManifest schemaOne -> 0;
            };

            assertThat(children).isEqualTo(2);
        }
    }

    @Test
    void argumentsAreRequired() {
        assertThatThrownBy(() -> ManifestParser.parse(null, MediaType.OCI_MANIFEST_V1))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> ManifestParser.parse(bytes("{}"), null)).isInstanceOf(NullPointerException.class);
    }
}
