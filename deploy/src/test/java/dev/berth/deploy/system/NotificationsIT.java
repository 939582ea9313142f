package dev.berth.deploy.system;

import dev.berth.domain.json.JsonArray;
import dev.berth.domain.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.berth.deploy.system.WebhookReceiver.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Webhooks end to end: the packaged Berth, a real client (skopeo), and receivers on loopback. One
 * Berth with three endpoints: the default (Distribution 3) form signed with a key, a registry:2
 * (v1) receiver that ignores pulls and blobs, and one that always fails, to watch the threshold.
 */
class NotificationsIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    /**
     * How long the receiver is down: 3 s in the test run; {@code -Dberth.notify.outage=PT5M} for the
     * issue's minutes. Deliveries back off, doubling up to 10 minutes, so the wait afterwards grows with it.
     */
    private static final Duration OUTAGE = Duration.parse(System.getProperty("berth.notify.outage", "PT3S"));
    /** Two boots, one after a SIGKILL (embedded PostgreSQL recovers): generous on a shared 2-core machine. */
    private static final Duration BOOT = Duration.ofMinutes(8);
    private static final String SIGNING_KEY = "a-signing-key-of-the-test";

    @TempDir
    Path work;

    @Test
    void eventsArriveExactlyDurablyInOrderAndFollowTheRules() throws Exception {
        try (WebhookReceiver main = new WebhookReceiver();
             WebhookReceiver legacy = new WebhookReceiver();
             WebhookReceiver failing = new WebhookReceiver()) {
            failing.answer(500);
            int port = BerthProcess.freePort();
            Path config = Files.writeString(work.resolve("config.yml"), """
                    version: 0.1
                    storage:
                      delete:
                        enabled: true
                    notifications:
                      endpoints:
                        - name: main
                          url: %s
                          headers:
                            Authorization: [Bearer receiver-token]
                          timeout: 2s
                          backoff: 300ms
                          signingkey: %s
                        - name: legacy
                          url: %s
                          format: v1
                          ignoredmediatypes: [application/octet-stream]
                          ignore:
                            actions: [pull]
                        - name: failing
                          url: %s
                          threshold: 3
                          backoff: 4s
                        - name: switched-off
                          url: http://127.0.0.1:9/never
                          disabled: true
                    """.formatted(main.url(), SIGNING_KEY, legacy.url(), failing.url()));
            String host = "127.0.0.1:" + port;
            BerthProcess berth = BerthProcess.start(work, port, Map.of(), "--config", config.toString());
            try {
                berth.awaitReady(BOOT);
                RegistryClient registry = new RegistryClient(berth);

                // a push by a real client
                OciImageLayout source = OciImageLayout.create(work.resolve("source"));
                OciImageLayout.Blob image = source.image("amd64", 21, 40_000, 30_000);
                source.tag(image, "v1");
                Commands.ok(work, Duration.ofMinutes(3), "skopeo", "copy", "--dest-tls-verify=false",
                        "--preserve-digests", "oci:" + source.root() + ":v1", "docker://" + host + "/hooks/app:v1");
                byte[] manifest = source.read(image.digest());

                JsonObject push = main.await(e -> "push".equals(text(e, "action"))
                        && OciImageLayout.OCI_MANIFEST.equals(text(e, "target", "mediaType")), WAIT);
                assertThat(text(push, "id")).matches("[0-9a-f-]{36}");
                assertThat(Instant.parse(text(push, "timestamp"))).isBefore(Instant.now());
                assertThat(text(push, "target", "digest")).isEqualTo(image.digest());
                assertThat(text(push, "target", "size")).isEqualTo(String.valueOf(manifest.length));
                assertThat(text(push, "target", "length")).isEqualTo(String.valueOf(manifest.length));
                assertThat(text(push, "target", "repository")).isEqualTo("hooks/app");
                assertThat(text(push, "target", "tag")).isEqualTo("v1");
                assertThat(text(push, "target", "url")).isEqualTo("http://" + host + "/v2/hooks/app/manifests/" + image.digest());
                JsonArray references = (JsonArray) ((JsonObject) push.get("target")).get("references");
                assertThat(references.elements()).hasSize(3); // the config and two layers
                assertThat(text(push, "request", "method")).isEqualTo("PUT");
                assertThat(text(push, "request", "host")).isEqualTo(host);
                assertThat(text(push, "request", "addr")).startsWith("127.0.0.1:");
                assertThat(text(push, "request", "useragent")).isNotBlank();
                assertThat(text(push, "request", "id")).isNotBlank();
                assertThat(((JsonObject) push.get("actor")).members()).as("anonymous").isEmpty();
                assertThat(text(push, "source", "addr")).endsWith(":" + port);
                assertThat(text(push, "source", "instanceID")).isNotBlank();
                // the layers were pushed before the manifest, each with its own event
                List<JsonObject> blobPushes = main.received().stream()
                        .filter(e -> "push".equals(text(e, "action"))
                                && "application/octet-stream".equals(text(e, "target", "mediaType")))
                        .toList();
                assertThat(blobPushes).hasSizeGreaterThanOrEqualTo(3);
                assertThat(main.received().indexOf(push)).isGreaterThan(main.received().indexOf(blobPushes.getLast()));

                WebhookReceiver.Delivery delivery = main.deliveries().getFirst();
                assertThat(delivery.header("Content-Type")).isEqualTo("application/vnd.docker.distribution.events.v2+json");
                assertThat(delivery.header("Authorization")).isEqualTo("Bearer receiver-token");
                assertThat(delivery.header("X-Berth-Signature")).isEqualTo("sha256=" + hmac(delivery.body()));

                // a pull, a tag delete and a manifest delete
                HttpResponse<byte[]> pulled = registry.get("/v2/hooks/app/manifests/v1", "Accept",
                        OciImageLayout.OCI_MANIFEST, "User-Agent", "berth-test/1");
                assertThat(pulled.statusCode()).isEqualTo(200);
                JsonObject pull = main.await(e -> "pull".equals(text(e, "action")), WAIT);
                assertThat(text(pull, "target", "digest")).isEqualTo(image.digest());
                assertThat(text(pull, "target", "tag")).isEqualTo("v1");
                assertThat(text(pull, "request", "method")).isEqualTo("GET");
                assertThat(text(pull, "request", "useragent")).isEqualTo("berth-test/1");
                assertThat(registry.send("DELETE", "/v2/hooks/app/manifests/v1", null).statusCode()).isEqualTo(202);
                JsonObject tagDelete = main.await(e -> "delete".equals(text(e, "action"))
                        && "v1".equals(text(e, "target", "tag")), WAIT);
                assertThat(((JsonObject) tagDelete.get("target")).members().keySet())
                        .containsExactly("repository", "tag");
                assertThat(registry.send("DELETE", "/v2/hooks/app/manifests/" + image.digest(), null).statusCode())
                        .isEqualTo(202);
                JsonObject manifestDelete = main.await(e -> "delete".equals(text(e, "action"))
                        && image.digest().equals(text(e, "target", "digest")), WAIT);
                assertThat(text(manifestDelete, "target", "repository")).isEqualTo("hooks/app");
                assertThat(text(manifestDelete, "request", "method")).isEqualTo("DELETE");

                // registry:2 form, ignore rules: manifests only (blobs ignored by media type), no pulls
                legacy.await(e -> image.digest().equals(text(e, "target", "digest"))
                        && "delete".equals(text(e, "action")), WAIT);
                assertThat(legacy.deliveries().getFirst().header("Content-Type"))
                        .isEqualTo("application/vnd.docker.distribution.events.v1+json");
                List<JsonObject> legacyEvents = legacy.received();
                assertThat(legacyEvents).noneMatch(e -> "pull".equals(text(e, "action")));
                assertThat(legacyEvents).noneMatch(e -> "application/octet-stream".equals(text(e, "target", "mediaType")));
                JsonObject legacyPush = legacyEvents.stream().filter(e -> "push".equals(text(e, "action"))).findFirst().orElseThrow();
                assertThat(((JsonObject) legacyPush.get("target")).get("references")).as("registry:2 had none").isNull();
                assertThat(legacy.deliveries().getFirst().header("X-Berth-Signature")).isNull();

                // threshold 3, backoff 4 s: three quick attempts, then a pause
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (failing.deliveries().size() < 4 && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                List<WebhookReceiver.Delivery> attempts = failing.deliveries();
                assertThat(attempts).hasSizeGreaterThanOrEqualTo(4);
                assertThat(Duration.between(attempts.get(0).at(), attempts.get(2).at())).isLessThan(Duration.ofSeconds(3));
                assertThat(Duration.between(attempts.get(2).at(), attempts.get(3).at()))
                        .isGreaterThanOrEqualTo(Duration.ofMillis(3800));
                assertThat(attempts.getFirst().events().getFirst()).isEqualTo(attempts.get(3).events().getFirst());

                // the receiver is down for a while: everything arrives afterwards, in order, once
                main.down();
                int before = main.received().size();
                for (int i = 0; i < 5; i++) {
                    putManifest(registry, "hooks/order", "t" + i);
                }
                Thread.sleep(OUTAGE.toMillis());
                main.up();
                awaitTags(main, "hooks/order", List.of("t0", "t1", "t2", "t3", "t4"), WAIT.plus(OUTAGE));
                assertThat(main.received().size() - before).isLessThan(40);

                // undelivered when Berth is killed: delivered after the restart
                main.down();
                for (int i = 0; i < 3; i++) {
                    putManifest(registry, "hooks/crash", "k" + i);
                }
                berth.kill();
                main.up();
                berth = BerthProcess.start(work, port, Map.of(), "--config", config.toString());
                berth.awaitReady(BOOT);
                awaitTags(main, "hooks/crash", List.of("k0", "k1", "k2"));

                Set<String> ids = new HashSet<>();
                for (WebhookReceiver.Delivery d : main.deliveries()) {
                    for (JsonObject e : d.events()) {
                        assertThat(ids.add(text(e, "id"))).as("event %s delivered once", text(e, "id")).isTrue();
                    }
                }
                berth.stop();
            } finally {
                berth.close();
            }
        }
    }

    /** Pushes a small image under a tag with plain HTTP (no client needed for bookkeeping pushes). */
    private static void putManifest(RegistryClient registry, String repository, String tag) {
        String config = registry.pushBlob(repository, ("{\"tag\":\"" + tag + "\"}").getBytes(StandardCharsets.UTF_8));
        String manifest = "{\"schemaVersion\":2,\"mediaType\":\"" + OciImageLayout.OCI_MANIFEST + "\",\"config\":{"
                + "\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + config
                + "\",\"size\":" + ("{\"tag\":\"" + tag + "\"}").length() + "},\"layers\":[]}";
        HttpResponse<byte[]> put = registry.send("PUT", "/v2/" + repository + "/manifests/" + tag,
                manifest.getBytes(StandardCharsets.UTF_8), "Content-Type", OciImageLayout.OCI_MANIFEST);
        assertThat(put.statusCode()).as(RegistryClient.text(put)).isEqualTo(201);
    }

    /** Waits for the manifest pushes of {@code tags} and checks they arrived in push order, each once. */
    private static void awaitTags(WebhookReceiver receiver, String repository, List<String> tags) throws InterruptedException {
        awaitTags(receiver, repository, tags, WAIT);
    }

    private static void awaitTags(WebhookReceiver receiver, String repository, List<String> tags, Duration wait)
            throws InterruptedException {
        receiver.await(e -> tags.getLast().equals(text(e, "target", "tag"))
                && repository.equals(text(e, "target", "repository")), wait);
        List<String> arrived = receiver.received().stream()
                .filter(e -> "push".equals(text(e, "action")) && repository.equals(text(e, "target", "repository"))
                        && text(e, "target", "tag") != null)
                .map(e -> text(e, "target", "tag"))
                .toList();
        assertThat(arrived).containsExactlyElementsOf(tags);
    }

    private static String hmac(byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SIGNING_KEY.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(body));
    }
}
