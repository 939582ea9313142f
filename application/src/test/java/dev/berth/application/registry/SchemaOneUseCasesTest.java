package dev.berth.application.registry;

import dev.berth.application.port.SigningKeyStore;
import dev.berth.application.port.StoredManifest;
import dev.berth.domain.Digest;
import dev.berth.domain.DigestAlgorithm;
import dev.berth.domain.Reference;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.Tag;
import dev.berth.domain.error.DigestInvalidException;
import dev.berth.domain.error.ManifestBlobUnknownException;
import dev.berth.domain.error.ManifestInvalidException;
import dev.berth.domain.error.ManifestUnknownException;
import dev.berth.domain.manifest.LibtrustSignatures;
import dev.berth.domain.manifest.ManifestParser;
import dev.berth.domain.manifest.MediaType;
import dev.berth.domain.manifest.SchemaOneConversion;
import dev.berth.domain.manifest.SchemaOneManifest;
import org.junit.jupiter.api.Test;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import static dev.berth.application.registry.TestRegistry.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Schema 1 pushed and served back; schema 2 images served as schema 1 to clients without schema 2. */
class SchemaOneUseCasesTest {

    private static final AcceptedTypes DOCKER_1_6 = new AcceptedTypes(Set.of(), false);
    private static final AcceptedTypes ONLY_V1 = new AcceptedTypes(Set.of(MediaType.DOCKER_MANIFEST_V1_SIGNED), false);

    private final TestRegistry registry = new TestRegistry();
    private final RepositoryName repo = RepositoryName.parse("legacy/app");

    private static KeyPair clientKey() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private String schemaOne(Digest... layers) {
        StringBuilder fsLayers = new StringBuilder();
        StringBuilder history = new StringBuilder();
        for (int i = 0; i < layers.length; i++) {
            fsLayers.append(i == 0 ? "" : ",").append("\n      {\n         \"blobSum\": \"").append(layers[i])
                    .append("\"\n      }");
            history.append(i == 0 ? "" : ",").append("\n      {\n         \"v1Compatibility\": \"{\\\"id\\\":\\\"")
                    .append(i).append("\\\"}\"\n      }");
        }
        return "{\n   \"schemaVersion\": 1,\n   \"name\": \"" + repo + "\",\n   \"tag\": \"v1\",\n   \"architecture\": "
                + "\"amd64\",\n   \"fsLayers\": [" + fsLayers + "\n   ],\n   \"history\": [" + history + "\n   ]\n}";
    }

    private byte[] signed(String payload) throws Exception {
        return LibtrustSignatures.sign(bytes(payload), clientKey(), registry.clock.instant());
    }

    private PushedManifest put(String reference, MediaType type, byte[] body) {
        return registry.putManifest().put(repo, Reference.parse(reference), type, body);
    }

    @Test
    void aSignedPushIsStoredAsSentAndServedByTagAndByDigest() throws Exception {
        Digest layer = registry.push(repo, bytes("layer"));
        String payload = schemaOne(layer);
        byte[] body = signed(payload);

        PushedManifest pushed = put("v1", MediaType.DOCKER_MANIFEST_V1_SIGNED, body);

        assertThat(pushed.digest()).isEqualTo(Digest.of(DigestAlgorithm.SHA256, bytes(payload)));
        for (Reference reference : List.of(Tag.parse("v1"), pushed.digest())) {
            StoredManifest served = registry.getManifest().get(repo, reference, ONLY_V1);
            assertThat(served.payload()).isEqualTo(body);
            assertThat(served.digest()).isEqualTo(pushed.digest());
            assertThat(served.mediaType()).isEqualTo(MediaType.DOCKER_MANIFEST_V1_SIGNED);
        }
        assertThat(registry.getManifest().get(repo, Tag.parse("v1"), DOCKER_1_6).payload()).isEqualTo(body);
    }

    @Test
    void aPushByDigestNamesTheDigestOfThePayloadWithoutSignatures() throws Exception {
        Digest layer = registry.push(repo, bytes("layer"));
        byte[] body = signed(schemaOne(layer));

        assertThatThrownBy(() -> put(Digest.of(DigestAlgorithm.SHA256, body).toString(),
                MediaType.DOCKER_MANIFEST_V1_SIGNED, body))
                .isInstanceOf(DigestInvalidException.class);
        assertThat(put(Digest.of(DigestAlgorithm.SHA256, bytes(schemaOne(layer))).toString(),
                MediaType.DOCKER_MANIFEST_V1_SIGNED, body).digest()).isNotNull();
    }

    @Test
    void everyFsLayerMustBeInTheRepository() throws Exception {
        Digest present = registry.push(repo, bytes("layer"));
        Digest missing = Digest.of(DigestAlgorithm.SHA256, bytes("never pushed"));
        byte[] body = signed(schemaOne(present, missing));

        assertThatThrownBy(() -> put("v1", MediaType.DOCKER_MANIFEST_V1_SIGNED, body))
                .isInstanceOf(ManifestBlobUnknownException.class)
                .hasFieldOrPropertyWithValue("detail", missing.toString());
    }

    @Test
    void turnedOffSchema1IsRefusedAndNotServed() throws Exception {
        TestRegistry off = new TestRegistry(new RegistrySettings(true, 64 * 1024, 100, true, false));
        Digest layer = off.push(repo, bytes("layer"));
        byte[] body = signed(schemaOne(layer));

        assertThatThrownBy(() -> off.putManifest().put(repo, Tag.parse("v1"), MediaType.DOCKER_MANIFEST_V1_SIGNED, body))
                .isInstanceOf(ManifestInvalidException.class)
                .hasFieldOrPropertyWithValue("detail", "schema 1 manifests are not accepted (compatibility.schema1.enabled)");
        Image image = image(off, "x");
        off.putManifest().put(repo, Tag.parse("v2"), MediaType.DOCKER_MANIFEST_V2, bytes(image.manifest()));
        assertThat(off.getManifest().get(repo, Tag.parse("v2"), DOCKER_1_6).mediaType())
                .isEqualTo(MediaType.DOCKER_MANIFEST_V2);
    }

    private record Image(String manifest, Digest layer) {
    }

    /** A Docker schema 2 image with one layer, a build step without a layer, and history for both. */
    private Image image(TestRegistry r, String seed) {
        byte[] layerBytes = bytes("layer-" + seed);
        Digest layer = r.push(repo, layerBytes);
        byte[] config = bytes("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Cmd\":[\"/" + seed + "\"]},"
                + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + Digest.of(DigestAlgorithm.SHA256, layerBytes)
                + "\"]},\"history\":[{\"created\":\"2026-01-01T00:00:00Z\",\"created_by\":\"ADD " + seed + "\"},"
                + "{\"created\":\"2026-01-01T00:00:01Z\",\"created_by\":\"CMD\",\"empty_layer\":true}]}");
        Digest configDigest = r.push(repo, config);
        String manifest = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaType.DOCKER_MANIFEST_V2 + "\",\"config\":{"
                + "\"mediaType\":\"" + MediaType.DOCKER_CONTAINER_CONFIG_V1 + "\",\"digest\":\"" + configDigest
                + "\",\"size\":" + config.length + "},\"layers\":[{\"mediaType\":"
                + "\"application/vnd.docker.image.rootfs.diff.tar.gzip\",\"digest\":\"" + layer + "\",\"size\":"
                + layerBytes.length + "}]}";
        return new Image(manifest, layer);
    }

    @Test
    void aClientWithoutSchema2GetsTheImageAsSchema1SignedByBerthsKey() {
        Image image = image(registry, "a");
        PushedManifest pushed = put("v2", MediaType.DOCKER_MANIFEST_V2, bytes(image.manifest()));

        StoredManifest served = registry.getManifest().pull(repo, Tag.parse("v2"), DOCKER_1_6);

        assertThat(served.mediaType()).isEqualTo(MediaType.DOCKER_MANIFEST_V1_SIGNED);
        SchemaOneManifest parsed = (SchemaOneManifest) ManifestParser.parse(served.payload(), served.mediaType());
        assertThat(served.digest()).isEqualTo(Digest.of(DigestAlgorithm.SHA256, parsed.signedPayload()))
                .isNotEqualTo(pushed.digest());
        assertThat(parsed.name()).isEqualTo(repo.toString());
        assertThat(parsed.tag()).isEqualTo("v2");
        assertThat(parsed.fsLayers()).containsExactly(SchemaOneConversion.EMPTY_LAYER, image.layer());
        assertThat(registry.getBlob().find(repo, SchemaOneConversion.EMPTY_LAYER).size())
                .as("the empty layer it lists can be pulled").isEqualTo(SchemaOneConversion.emptyLayer().length);

        List<SigningKeyStore.SigningKey> keys = registry.signingKeys.since(Instant.EPOCH);
        assertThat(keys).singleElement().extracting(SigningKeyStore.SigningKey::algorithm).isEqualTo("schema1-ES256");
        registry.clock.advance(Duration.ofSeconds(5));
        StoredManifest again = registry.getManifest().get(repo, Tag.parse("v2"), ONLY_V1);
        assertThat(again.digest()).as("the digest does not depend on the signing time").isEqualTo(served.digest());
        assertThat(new String(again.payload())).contains("\"kid\": \"" + keys.getFirst().kid() + "\"");
        assertThat(registry.signingKeys.keys).hasSize(1);
    }

    @Test
    void byDigestOrWithSchema2InAcceptTheStoredBytesAreServed() {
        Image image = image(registry, "b");
        PushedManifest pushed = put("v2", MediaType.DOCKER_MANIFEST_V2, bytes(image.manifest()));

        assertThat(registry.getManifest().get(repo, pushed.digest(), DOCKER_1_6).payload())
                .isEqualTo(bytes(image.manifest()));
        assertThat(registry.getManifest().get(repo, Tag.parse("v2"), AcceptedTypes.anything()).payload())
                .isEqualTo(bytes(image.manifest()));
        assertThat(registry.getManifest().get(repo, Tag.parse("v2"), new AcceptedTypes(
                Set.of(MediaType.DOCKER_MANIFEST_V1_SIGNED, MediaType.DOCKER_MANIFEST_V2), false)).payload())
                .isEqualTo(bytes(image.manifest()));
    }

    @Test
    void anIndexIsServedAsItsLinuxAmd64ImageConverted() {
        Image amd64 = image(registry, "amd64");
        Image arm64 = image(registry, "arm64");
        Digest amd64Digest = put(Digest.of(DigestAlgorithm.SHA256, bytes(amd64.manifest())).toString(),
                MediaType.DOCKER_MANIFEST_V2, bytes(amd64.manifest())).digest();
        Digest arm64Digest = put(Digest.of(DigestAlgorithm.SHA256, bytes(arm64.manifest())).toString(),
                MediaType.DOCKER_MANIFEST_V2, bytes(arm64.manifest())).digest();
        String entry = "{\"mediaType\":\"" + MediaType.DOCKER_MANIFEST_V2 + "\",\"digest\":\"%s\",\"size\":%d,"
                + "\"platform\":{\"architecture\":\"%s\",\"os\":\"linux\"}}";
        String list = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaType.DOCKER_MANIFEST_LIST_V2 + "\",\"manifests\":["
                + entry.formatted(arm64Digest, arm64.manifest().length(), "arm64") + ","
                + entry.formatted(amd64Digest, amd64.manifest().length(), "amd64") + "]}";
        put("multi", MediaType.DOCKER_MANIFEST_LIST_V2, bytes(list));
        String armOnly = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaType.DOCKER_MANIFEST_LIST_V2
                + "\",\"manifests\":[" + entry.formatted(arm64Digest, arm64.manifest().length(), "arm64") + "]}";
        put("arm", MediaType.DOCKER_MANIFEST_LIST_V2, bytes(armOnly));

        SchemaOneManifest served = (SchemaOneManifest) ManifestParser.parse(
                registry.getManifest().get(repo, Tag.parse("multi"), DOCKER_1_6).payload(),
                MediaType.DOCKER_MANIFEST_V1_SIGNED);

        assertThat(served.fsLayers()).contains(amd64.layer()).doesNotContain(arm64.layer());
        assertThatThrownBy(() -> registry.getManifest().get(repo, Tag.parse("arm"), DOCKER_1_6))
                .isInstanceOf(ManifestUnknownException.class);
    }

    @Test
    void anUnsignedSchema1IsSignedOnTheWayOutWithItsDigestUnchanged() {
        Digest layer = registry.push(repo, bytes("layer"));
        String payload = schemaOne(layer);
        PushedManifest pushed = put("v1", MediaType.DOCKER_MANIFEST_V1, bytes(payload));

        StoredManifest served = registry.getManifest().get(repo, Tag.parse("v1"), DOCKER_1_6);
        StoredManifest asPushed = registry.getManifest().get(repo, pushed.digest(), DOCKER_1_6);

        assertThat(served.mediaType()).isEqualTo(MediaType.DOCKER_MANIFEST_V1_SIGNED);
        assertThat(served.digest()).isEqualTo(pushed.digest());
        assertThat(((SchemaOneManifest) ManifestParser.parse(served.payload(), served.mediaType())).signedPayload())
                .isEqualTo(bytes(payload));
        assertThat(asPushed.payload()).isEqualTo(bytes(payload));
        assertThat(asPushed.mediaType()).isEqualTo(MediaType.DOCKER_MANIFEST_V1);
    }
}
