package dev.berth.application.registry;

import dev.berth.application.event.CurrentRequest;
import dev.berth.application.event.EventAction;
import dev.berth.application.event.RequestContext;
import dev.berth.application.fake.RecordingOutbox;
import dev.berth.domain.Digest;
import dev.berth.domain.DigestAlgorithm;
import dev.berth.domain.Reference;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.Tag;
import dev.berth.domain.error.ManifestBlobUnknownException;
import dev.berth.domain.json.Json;
import dev.berth.domain.json.JsonArray;
import dev.berth.domain.json.JsonObject;
import dev.berth.domain.json.JsonString;
import dev.berth.domain.manifest.MediaType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;

import static dev.berth.application.registry.TestRegistry.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which events the registry use cases record, with which fields. */
class EventUseCasesTest {

    private final TestRegistry registry = new TestRegistry();
    private final RepositoryName repo = RepositoryName.parse("team/app");

    @BeforeEach
    void inARequest() {
        CurrentRequest.set(new RequestContext("req-1", "10.0.0.7:40000", "registry.example", "PUT", "skopeo/1.0",
                "https://registry.example", "alice"));
    }

    @AfterEach
    void clear() {
        CurrentRequest.clear();
    }

    private String pushImage(String tag) {
        byte[] config = bytes("{\"os\":\"linux\"}");
        Digest configDigest = registry.push(repo, config);
        String manifest = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":"
                + "{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + configDigest
                + "\",\"size\":" + config.length + "},\"layers\":[]}";
        registry.putManifest().put(repo, Reference.parse(tag), MediaType.OCI_MANIFEST_V1, bytes(manifest));
        return manifest;
    }

    private static JsonObject json(RecordingOutbox.Added added) {
        return (JsonObject) Json.parse(added.json().getBytes(StandardCharsets.UTF_8));
    }

    private static String text(JsonObject o, String... path) {
        Object value = o;
        for (String key : path) {
            value = ((JsonObject) value).get(key);
        }
        return value instanceof JsonString s ? s.value() : String.valueOf(value);
    }

    @Test
    void aPushRecordsTheBlobThenTheManifestWithItsReferencesAndTheRequest() {
        String manifest = pushImage("v1");
        Digest digest = Digest.of(DigestAlgorithm.SHA256, bytes(manifest));

        assertThat(registry.outbox.added).extracting(RecordingOutbox.Added::action)
                .containsExactly(EventAction.PUSH, EventAction.PUSH);
        assertThat(registry.outbox.added.get(0).mediaType()).isEqualTo("application/octet-stream");
        JsonObject event = json(registry.outbox.added.get(1));
        assertThat(registry.outbox.added.get(1).mediaType()).isEqualTo("application/vnd.oci.image.manifest.v1+json");
        assertThat(text(event, "timestamp")).isEqualTo("2026-11-27T10:00:00Z");
        assertThat(text(event, "target", "digest")).isEqualTo(digest.toString());
        assertThat(text(event, "target", "tag")).isEqualTo("v1");
        assertThat(text(event, "target", "url")).isEqualTo("https://registry.example/v2/team/app/manifests/" + digest);
        assertThat(((JsonArray) ((JsonObject) event.get("target")).get("references")).elements()).hasSize(1);
        assertThat(text(event, "request", "addr")).isEqualTo("10.0.0.7:40000");
        assertThat(text(event, "request", "useragent")).isEqualTo("skopeo/1.0");
        assertThat(text(event, "actor", "name")).isEqualTo("alice");
        assertThat(text(event, "source", "instanceID")).isEqualTo("instance-1");
    }

    @Test
    void aRejectedPushRecordsNothing() {
        String manifest = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":"
                + "{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\""
                + Digest.of(DigestAlgorithm.SHA256, bytes("missing")) + "\",\"size\":7},\"layers\":[]}";
        assertThatThrownBy(() -> registry.putManifest().put(repo, Tag.parse("v1"), MediaType.OCI_MANIFEST_V1,
                bytes(manifest))).isInstanceOf(ManifestBlobUnknownException.class);
        assertThat(registry.outbox.added).isEmpty();
    }

    @Test
    void pullsAndDeletesAreRecordedButHeadsAreNot() {
        String manifest = pushImage("v1");
        Digest digest = Digest.of(DigestAlgorithm.SHA256, bytes(manifest));
        registry.outbox.added.clear();

        registry.getManifest().get(repo, Tag.parse("v1"), Set.of());
        assertThat(registry.outbox.added).as("HEAD").isEmpty();
        registry.getManifest().pull(repo, Tag.parse("v1"), Set.of());
        registry.deleteManifest().delete(repo, Tag.parse("v1"));
        registry.deleteManifest().delete(repo, digest);

        assertThat(registry.outbox.added).extracting(RecordingOutbox.Added::action)
                .containsExactly(EventAction.PULL, EventAction.DELETE, EventAction.DELETE);
        JsonObject tagDelete = json(registry.outbox.added.get(1));
        assertThat(((JsonObject) tagDelete.get("target")).members().keySet()).containsExactly("repository", "tag");
        JsonObject manifestDelete = json(registry.outbox.added.get(2));
        assertThat(((JsonObject) manifestDelete.get("target")).members().keySet()).containsExactly("digest", "repository");
    }

    @Test
    void aMountNamesWhereTheBlobCameFrom() {
        RepositoryName other = RepositoryName.parse("team/other");
        Digest blob = registry.push(repo, bytes("shared"));
        registry.outbox.added.clear();

        assertThat(registry.mount().mount(other, blob, Optional.of(repo))).isPresent();

        JsonObject mount = json(registry.outbox.added.getFirst());
        assertThat(text(mount, "action")).isEqualTo("mount");
        assertThat(text(mount, "target", "repository")).isEqualTo("team/other");
        assertThat(text(mount, "target", "fromRepository")).isEqualTo("team/app");
        assertThat(text(mount, "target", "size")).contains("6");
    }
}
