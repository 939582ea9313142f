package dev.berth.domain.manifest;

import dev.berth.domain.Digest;
import dev.berth.domain.DigestAlgorithm;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.error.ManifestInvalidException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.time.Instant;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Schema 2 to schema 1 as Distribution 2.8 converts it for old clients, checked against its own output. */
class SchemaOneConversionTest {

    private static final RepositoryName REPOSITORY = RepositoryName.parse("golden/app");

    private static ImageManifest image() {
        return (ImageManifest) ManifestParser.parse(SchemaOneFixtures.schemaTwoManifest(), MediaType.DOCKER_MANIFEST_V2);
    }

    @Test
    void theUnsignedPayloadIsByteForByteDistributions() {
        SchemaOneManifest converted = SchemaOneConversion.convert(REPOSITORY, "v1", image(), SchemaOneFixtures.config());

        byte[] distributions = LibtrustSignatures.read(SchemaOneFixtures.distributionSchemaOne(),
                ManifestParser.rootObject(SchemaOneFixtures.distributionSchemaOne())).payload();
        assertThat(new String(converted.signedPayload(), StandardCharsets.UTF_8))
                .isEqualTo(new String(distributions, StandardCharsets.UTF_8));
        assertThat(Digest.of(DigestAlgorithm.SHA256, converted.signedPayload()))
                .hasToString(SchemaOneFixtures.DISTRIBUTION_DIGEST);
        assertThat(converted.fsLayers()).hasSize(4).containsOnlyOnce(image().layers().get(0).digest());
        assertThat(converted.fsLayers().get(0)).isEqualTo(SchemaOneConversion.EMPTY_LAYER);
    }

    @Test
    void theEmptyLayerIsAGzippedEmptyTar() {
        assertThat(Digest.of(DigestAlgorithm.SHA256, SchemaOneConversion.emptyLayer())).hasToString(
                "sha256:a3ed95caeb02ffe68cdd9fd84406680ae93d633cb16422d00e8a7c22955b46d4");
    }

    @Test
    void aSignedConversionVerifiesIndependentlyAndParsesBackToTheSameDigest() throws Exception {
        SchemaOneManifest converted = SchemaOneConversion.convert(REPOSITORY, "v1", image(), SchemaOneFixtures.config());
        KeyPair key = IndependentJws.ec("secp256r1");

        byte[] signed = LibtrustSignatures.sign(converted.signedPayload(), key, Instant.parse("2026-01-02T03:04:05Z"));

        String text = new String(signed, StandardCharsets.UTF_8);
        String protectedHeader = text.replaceFirst("(?s).*\"protected\": \"([^\"]+)\".*", "$1");
        String signature = text.replaceFirst("(?s).*\"signature\": \"([^\"]+)\".*", "$1");
        Signature verifier = Signature.getInstance("SHA256withECDSAinP1363Format");
        verifier.initVerify(key.getPublic());
        verifier.update((protectedHeader + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(converted.signedPayload())).getBytes(StandardCharsets.US_ASCII));
        assertThat(verifier.verify(Base64.getUrlDecoder().decode(signature))).isTrue();
        assertThat(new String(Base64.getUrlDecoder().decode(protectedHeader), StandardCharsets.UTF_8))
                .matches("\\{\"formatLength\":\\d+,\"formatTail\":\"Cn0\",\"time\":\"2026-01-02T03:04:05Z\"}");
        assertThat(text).contains("\"kid\": \"" + LibtrustSignatures.keyId((ECPublicKey) key.getPublic()) + "\"");

        SchemaOneManifest parsed = (SchemaOneManifest) ManifestParser.parse(signed, MediaType.DOCKER_MANIFEST_V1_SIGNED);
        assertThat(parsed.signedPayload()).isEqualTo(converted.signedPayload());
    }

    @Test
    void aConfigWithoutHistoryCannotBeConvertedAsInDistribution() {
        byte[] config = new String(SchemaOneFixtures.config(), StandardCharsets.UTF_8)
                .replaceFirst("\"history\":\\[.*]}$", "\"history\":[]}").getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> SchemaOneConversion.convert(REPOSITORY, "v1", image(), config))
                .isInstanceOf(ManifestInvalidException.class)
                .hasFieldOrPropertyWithValue("detail", "empty history when trying to create schema1 manifest");
    }

    @Test
    void layersAndDiffIdsMustAgree() {
        byte[] config = new String(SchemaOneFixtures.config(), StandardCharsets.UTF_8)
                .replaceFirst("\"diff_ids\":\\[\"[^\"]+\",", "\"diff_ids\":[").getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> SchemaOneConversion.convert(REPOSITORY, "v1", image(), config))
                .isInstanceOf(ManifestInvalidException.class)
                .hasFieldOrPropertyWithValue("detail",
                        "number of descriptors and number of layers in rootfs must match: 1 != 2");
    }
}
