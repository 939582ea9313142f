package dev.berth.domain.manifest;

import dev.berth.domain.Digest;
import dev.berth.domain.DigestAlgorithm;
import dev.berth.domain.error.ManifestInvalidException;
import dev.berth.domain.error.ManifestUnverifiedException;
import dev.berth.domain.error.NameInvalidException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Schema 1 pushes: libtrust signatures verified as Distribution verifies them, the digest over the signed payload. */
class SchemaOneParsingTest {

    private static final String LAYER_A = "sha256:" + "a".repeat(64);
    private static final String LAYER_B = "sha256:" + "b".repeat(64);

    /** A pretty-printed schema 1 payload as Docker writes it (3-space indent, ends in "\n}"). */
    private static String payload(String tag) {
        return "{\n   \"schemaVersion\": 1,\n   \"name\": \"library/app\",\n   \"tag\": \"" + tag + "\",\n"
                + "   \"architecture\": \"amd64\",\n   \"fsLayers\": [\n      {\n         \"blobSum\": \"" + LAYER_A
                + "\"\n      },\n      {\n         \"blobSum\": \"" + LAYER_B + "\"\n      }\n   ],\n"
                + "   \"history\": [\n      {\n         \"v1Compatibility\": \"{\\\"id\\\":\\\"2\\\"}\"\n      },\n"
                + "      {\n         \"v1Compatibility\": \"{\\\"id\\\":\\\"1\\\"}\"\n      }\n   ]\n}";
    }

    private static ParsedManifest parse(String body, MediaType type) {
        return ManifestParser.parse(body.getBytes(StandardCharsets.UTF_8), type);
    }

    private static Digest sha256(byte[] bytes) {
        return Digest.of(DigestAlgorithm.SHA256, bytes);
    }

    @Test
    void distributionsSignedManifestVerifiesAndItsDigestIsOverThePayloadWithoutSignatures() {
        SchemaOneManifest manifest = (SchemaOneManifest) ManifestParser.parse(SchemaOneFixtures.distributionSchemaOne(),
                MediaType.DOCKER_MANIFEST_V1_SIGNED);

        assertThat(sha256(manifest.signedPayload())).hasToString(SchemaOneFixtures.DISTRIBUTION_DIGEST);
        assertThat(sha256(SchemaOneFixtures.distributionSchemaOne()).toString())
                .isNotEqualTo(SchemaOneFixtures.DISTRIBUTION_DIGEST);
        assertThat(manifest.name()).isEqualTo("golden/app");
        assertThat(manifest.tag()).isEqualTo("v1");
        assertThat(manifest.schemaVersion()).isEqualTo(1);
        assertThat(manifest.fsLayers()).hasSize(4).first().isEqualTo(SchemaOneConversion.EMPTY_LAYER);
        assertThat(manifest.requiredBlobs()).extracting(Descriptor::digest).containsExactlyElementsOf(manifest.fsLayers());
    }

    @ParameterizedTest
    @CsvSource({"secp256r1, ES256, SHA256withECDSAinP1363Format", "secp384r1, ES384, SHA384withECDSAinP1363Format",
            "secp521r1, ES512, SHA512withECDSAinP1363Format"})
    void ecSignaturesOfEachCurveVerify(String curve, String alg, String jca) throws Exception {
        String signed = IndependentJws.sign(payload("v1"), IndependentJws.ec(curve), alg, jca);

        SchemaOneManifest manifest = (SchemaOneManifest) parse(signed, MediaType.DOCKER_MANIFEST_V1_SIGNED);

        assertThat(new String(manifest.signedPayload(), StandardCharsets.UTF_8)).isEqualTo(payload("v1"));
        assertThat(manifest.mediaType()).isEqualTo(MediaType.DOCKER_MANIFEST_V1_SIGNED);
        assertThat(manifest.fsLayers()).extracting(Digest::toString).containsExactly(LAYER_A, LAYER_B);
        assertThat(manifest.history()).containsExactly("{\"id\":\"2\"}", "{\"id\":\"1\"}");
    }

    @ParameterizedTest
    @CsvSource({"RS256, SHA256withRSA", "RS384, SHA384withRSA", "RS512, SHA512withRSA"})
    void rsaSignaturesVerify(String alg, String jca) throws Exception {
        String signed = IndependentJws.sign(payload("v1"), IndependentJws.rsa(), alg, jca);

        assertThat(parse(signed, MediaType.DOCKER_MANIFEST_V1_SIGNED)).isInstanceOf(SchemaOneManifest.class);
    }

    @Test
    void aTamperedPayloadIsUnverified() throws Exception {
        String signed = IndependentJws.sign(payload("v1"), IndependentJws.ec("secp256r1"), "ES256",
                "SHA256withECDSAinP1363Format");
        String tampered = signed.replace("\"tag\": \"v1\"", "\"tag\": \"v2\"");

        assertThatThrownBy(() -> parse(tampered, MediaType.DOCKER_MANIFEST_V1_SIGNED))
                .isInstanceOf(ManifestUnverifiedException.class)
                .hasFieldOrPropertyWithValue("code", "MANIFEST_UNVERIFIED");
    }

    @Test
    void aTamperedSignatureIsUnverified() {
        String body = new String(SchemaOneFixtures.distributionSchemaOne(), StandardCharsets.UTF_8);
        int at = body.indexOf("\"signature\": \"") + 14;
        String tampered = body.substring(0, at) + (body.charAt(at) == 'A' ? 'B' : 'A') + body.substring(at + 1);

        assertThatThrownBy(() -> parse(tampered, MediaType.DOCKER_MANIFEST_V1_SIGNED))
                .isInstanceOf(ManifestUnverifiedException.class)
                .hasMessage("manifest failed signature verification");
    }

    @ParameterizedTest
    @CsvSource({"HS256", "ES384", "RS256", "none"})
    void anAlgorithmTheKeyDoesNotUseIsUnverified(String alg) {
        String body = new String(SchemaOneFixtures.distributionSchemaOne(), StandardCharsets.UTF_8)
                .replace("\"alg\": \"ES256\"", "\"alg\": \"" + alg + "\"");

        assertThatThrownBy(() -> parse(body, MediaType.DOCKER_MANIFEST_V1_SIGNED))
                .isInstanceOf(ManifestUnverifiedException.class)
                .extracting(e -> ((ManifestUnverifiedException) e).detail()).asString().contains(alg);
    }

    @Test
    void aKeyIdThatIsNotTheKeysIsInvalid() {
        String body = new String(SchemaOneFixtures.distributionSchemaOne(), StandardCharsets.UTF_8)
                .replaceFirst("\"kid\": \"[A-Z0-9:]+\"", "\"kid\": \"AAAA:BBBB\"");

        assertThatThrownBy(() -> parse(body, MediaType.DOCKER_MANIFEST_V1_SIGNED))
                .isInstanceOf(ManifestInvalidException.class).hasFieldOrPropertyWithValue("code", "MANIFEST_INVALID");
    }

    @Test
    void libtrustsKeyIdOfDistributionsKeyIsTheOneItWrote() {
        String body = new String(SchemaOneFixtures.distributionSchemaOne(), StandardCharsets.UTF_8);

        // parsing checks the kid against the key: it is RS3S:... as Distribution wrote it
        assertThat(body).contains("\"kid\": \"RS3S:YYNG:XAY4:XC7Y:VRMM:7WO3:KKBG:L6R3:EUFI:UWFX:IR57:PJL7\"");
        assertThat(parse(body, MediaType.DOCKER_MANIFEST_V1_SIGNED)).isInstanceOf(SchemaOneManifest.class);
    }

    @Test
    void signedTypeWithoutSignaturesIsInvalidAsFromDistribution() {
        assertThatThrownBy(() -> parse(payload("v1"), MediaType.DOCKER_MANIFEST_V1_SIGNED))
                .isInstanceOf(ManifestInvalidException.class).hasFieldOrPropertyWithValue("detail", "signatures are required");
        assertThatThrownBy(() -> parse(payload("v1"), MediaType.parse("application/json")))
                .isInstanceOf(ManifestInvalidException.class).hasFieldOrPropertyWithValue("detail", "signatures are required");
    }

    @Test
    void unsignedV1JsonIsAcceptedAndDigestedWhole() {
        SchemaOneManifest manifest = (SchemaOneManifest) parse(payload("v1"), MediaType.DOCKER_MANIFEST_V1);

        assertThat(manifest.mediaType()).isEqualTo(MediaType.DOCKER_MANIFEST_V1);
        assertThat(manifest.signedPayload()).isEqualTo(payload("v1").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void plainJsonContentTypeIsReadAsSignedSchema1() throws Exception {
        String signed = IndependentJws.sign(payload("v1"), IndependentJws.ec("secp256r1"), "ES256",
                "SHA256withECDSAinP1363Format");

        assertThat(parse(signed, MediaType.parse("application/json")).mediaType())
                .isEqualTo(MediaType.DOCKER_MANIFEST_V1_SIGNED);
    }

    @Test
    void contentOutsideTheSignedPayloadMustNotSayAnythingElse() throws Exception {
        KeyPair key = IndependentJws.ec("secp256r1");
        String signed = IndependentJws.sign(payload("v1"), key, "ES256", "SHA256withECDSAinP1363Format");
        String smuggled = signed.substring(0, signed.length() - 2) + ",\n   \"mediaType\": \"x/y\"\n}";

        assertThatThrownBy(() -> parse(smuggled, MediaType.DOCKER_MANIFEST_V1_SIGNED))
                .isInstanceOf(ManifestInvalidException.class)
                .hasFieldOrPropertyWithValue("detail", "the signed payload differs from the manifest around the signatures");
    }

    @Test
    void historyAndFsLayersMustPairUp() {
        String oneHistoryShort = payload("v1").replace(
                "      {\n         \"v1Compatibility\": \"{\\\"id\\\":\\\"2\\\"}\"\n      },\n", "");

        assertThatThrownBy(() -> parse(oneHistoryShort, MediaType.DOCKER_MANIFEST_V1))
                .isInstanceOf(ManifestInvalidException.class)
                .hasFieldOrPropertyWithValue("detail", "mismatched history and fsLayers cardinality 1 != 2");
    }

    @Test
    void malformedFieldsAreInvalid() {
        assertThatThrownBy(() -> parse(payload("v1").replace("\"schemaVersion\": 1", "\"schemaVersion\": 2"),
                MediaType.DOCKER_MANIFEST_V1)).hasFieldOrPropertyWithValue("detail", "schemaVersion must be 1");
        assertThatThrownBy(() -> parse(payload("v1").replace(LAYER_A, "sha256:short"), MediaType.DOCKER_MANIFEST_V1))
                .isInstanceOf(ManifestInvalidException.class)
                .extracting(e -> ((ManifestInvalidException) e).detail()).asString().startsWith("fsLayers[0].blobSum: ");
        assertThatThrownBy(() -> parse(payload("v1").replace("library/app", "Library/App"), MediaType.DOCKER_MANIFEST_V1))
                .isInstanceOf(NameInvalidException.class);
    }

    @Test
    void malformedSignatureBlocksAreInvalidNotUnverified() {
        String body = new String(SchemaOneFixtures.distributionSchemaOne(), StandardCharsets.UTF_8);

        assertThatThrownBy(() -> parse(body.replaceFirst("\"protected\": \"[^\"]+\"", "\"protected\": \"e30\""),
                MediaType.DOCKER_MANIFEST_V1_SIGNED)).isInstanceOf(ManifestInvalidException.class)
                .hasFieldOrPropertyWithValue("detail", "signatures[0].protected: formatLength is missing or out of range");
        assertThatThrownBy(() -> parse(body.replace("\"signatures\": [", "\"signatures\": [] , \"x\": ["),
                MediaType.DOCKER_MANIFEST_V1_SIGNED)).isInstanceOf(ManifestInvalidException.class);
    }
}
