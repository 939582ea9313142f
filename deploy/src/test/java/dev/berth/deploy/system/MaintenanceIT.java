package dev.berth.deploy.system;

import dev.berth.adapters.db.DatabaseSettings;
import dev.berth.adapters.db.MetadataDatabase;
import dev.berth.adapters.db.PostgresAuditLog;
import dev.berth.adapters.db.PostgresMaintenanceStore;
import dev.berth.adapters.storage.layout.KeyLayout;
import dev.berth.application.access.Administration;
import dev.berth.application.maintenance.AddImmutableTagRule;
import dev.berth.application.maintenance.MaintenanceSettings;
import dev.berth.application.maintenance.SetReadOnly;
import dev.berth.domain.UploadId;
import dev.berth.domain.access.ImmutableTagRule;
import dev.berth.domain.access.RepositoryPattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Storage maintenance on the packaged jar: one Berth of its own that purges uploads untouched for a
 * few seconds, checking every second. Upload purging removes abandoned sessions and their bytes
 * (and bytes whose session is gone) while a fresh upload survives and completes; read-only mode,
 * switched as the admin page switches it (in the shared database), refuses every write endpoint
 * with Distribution's 405 UNSUPPORTED while pulls go on, and lifting it lets a push through;
 * an immutable tag refuses skopeo's push of another image with a message naming the rule, keeps
 * its old digest, and refuses its deletion.
 */
class MaintenanceIT {

    private static final Duration AGE = Duration.ofSeconds(6);
    private static final Duration WAIT = Duration.ofMinutes(2);
    private static final Duration TIMEOUT = Duration.ofMinutes(3);
    private static final String READ_ONLY = "registry is in read-only mode";

    private static Path work;
    private static int databasePort;
    private static BerthProcess berth;
    private static RegistryClient registry;
    /** Opened once: the switch then takes a moment, not the seconds an upload takes to be purged. */
    private static MetadataDatabase database;

    @BeforeAll
    static void boot() throws Exception {
        work = Path.of("target", "maintenance").toAbsolutePath();
        WorkDirectories.deleteQuietly(work);
        Files.createDirectories(work);
        databasePort = BerthProcess.freePort();
        berth = BerthProcess.start(work, BerthProcess.freePort(), Map.of(
                "REGISTRY_STORAGE_DELETE_ENABLED", "true",
                "REGISTRY_STORAGE_MAINTENANCE_UPLOADPURGING_AGE", AGE.toSeconds() + "s",
                "REGISTRY_STORAGE_MAINTENANCE_UPLOADPURGING_INTERVAL", "1s",
                "REGISTRY_DATABASE_EMBEDDED_PORT", String.valueOf(databasePort)));
        berth.awaitStartedLine();
        registry = new RegistryClient(berth);
        database = MetadataDatabase.open(new DatabaseSettings("embedded", "test",
                "jdbc:postgresql://127.0.0.1:" + databasePort + "/postgres", "postgres",
                BerthProcess.embeddedDatabasePassword(work), 2, BerthProcess.secrets(work)));
    }

    @AfterAll
    static void stop() throws Exception {
        if (database != null) {
            database.close();
        }
        if (berth != null) {
            berth.close();
        }
    }

    /** As the admin page's switch does it: in the database every node reads. */
    private static void setReadOnly(boolean readOnly) {
        new SetReadOnly(new PostgresMaintenanceStore(database), MaintenanceSettings.DEFAULTS,
                new PostgresAuditLog(database), Clock.systemUTC()).set(Administration.SYSTEM, "test", readOnly);
    }

    private static Path uploadFile(String location) {
        String id = location.substring(location.lastIndexOf('/') + 1).replaceFirst("\\?.*", "");
        return work.resolve("berth-data/registry").resolve(KeyLayout.uploadKey(UploadId.parse(id)));
    }

    private static String startUpload(String repository) {
        HttpResponse<byte[]> started = registry.send("POST", "/v2/" + repository + "/blobs/uploads/", null);
        assertThat(started.statusCode()).as(RegistryClient.text(started)).isEqualTo(202);
        return RegistryClient.header(started, "Location");
    }

    private static HttpResponse<byte[]> patch(String location, String chunk, long from) {
        byte[] bytes = chunk.getBytes(StandardCharsets.UTF_8);
        return registry.send("PATCH", location, bytes, "Content-Type", "application/octet-stream",
                "Content-Range", from + "-" + (from + bytes.length - 1));
    }

    private static void assertError(HttpResponse<byte[]> response, int status, String code, String message) {
        assertThat(response.statusCode()).as(RegistryClient.text(response)).isEqualTo(status);
        assertThat(RegistryClient.text(response)).contains("\"code\":\"" + code + "\"")
                .contains("\"message\":\"" + message);
    }

    /** Waits (not a timing assertion: the deadline only ends a hopeless wait) until {@code done}, doing {@code meanwhile}. */
    private static void await(Supplier<Boolean> done, Runnable meanwhile) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!done.get()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("nothing purged within " + WAIT + ":\n" + berth.output());
            }
            meanwhile.run();
            Thread.sleep(500);
        }
    }

    @Test
    void abandonedUploadsAndTheirBytesArePurgedWhileAFreshUploadSurvives() throws Exception {
        String abandoned = startUpload("purge/app");
        assertThat(patch(abandoned, "abandoned bytes", 0).statusCode()).isEqualTo(202);
        String empty = startUpload("purge/app");
        Path orphan = work.resolve("berth-data/registry").resolve(KeyLayout.uploadKey(UploadId.random()));
        Files.writeString(orphan, "bytes whose session is gone");
        assertThat(uploadFile(abandoned)).exists();

        String fresh = startUpload("purge/app");
        StringBuilder freshContent = new StringBuilder();
        // the fresh upload moves on every half second, far more often than the purge age
        await(() -> !Files.exists(uploadFile(abandoned)) && !Files.exists(orphan)
                        && registry.get(empty).statusCode() == 404,
                () -> {
                    String chunk = "chunk-" + freshContent.length() + ";";
                    assertThat(patch(fresh, chunk, freshContent.length()).statusCode()).isEqualTo(202);
                    freshContent.append(chunk);
                });

        for (String purged : List.of(abandoned, empty)) {
            assertError(patch(purged, "late", 0), 404, "BLOB_UPLOAD_UNKNOWN", "");
        }
        byte[] content = freshContent.toString().getBytes(StandardCharsets.UTF_8);
        String digest = RegistryClient.sha256(content);
        HttpResponse<byte[]> completed = registry.send("PUT", fresh + (fresh.contains("?") ? "&" : "?") + "digest="
                + digest, null, "Content-Type", "application/octet-stream");
        assertThat(completed.statusCode()).as(RegistryClient.text(completed)).isEqualTo(201);
        assertThat(registry.get("/v2/purge/app/blobs/" + digest).body()).isEqualTo(content);
        assertThat(berth.output()).containsPattern("Upload purging removed [1-9][0-9]* abandoned uploads, [1-9][0-9]* bytes");
        assertThat(RegistryClient.text(registry.get("/metrics"))).containsPattern("berth_upload_purge_uploads_total(\\{})? [1-9]");
    }

    @Test
    void readOnlyModeRefusesEveryWriteEndpointWhilePullsGoOn() throws Exception {
        byte[] layer = "a layer pushed before read-only".getBytes(StandardCharsets.UTF_8);
        String blob = registry.pushBlob("ro/app", layer);
        byte[] configBytes = "{\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8);
        String config = registry.pushBlob("ro/app", configBytes);
        String manifest = "{\"schemaVersion\":2,\"mediaType\":\"" + OciImageLayout.OCI_MANIFEST + "\",\"config\":"
                + "{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + config + "\",\"size\":" + configBytes.length + "},"
                + "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"" + blob
                + "\",\"size\":" + layer.length + "}]}";
        byte[] manifestBytes = manifest.getBytes(StandardCharsets.UTF_8);
        String manifestDigest = RegistryClient.sha256(manifestBytes);
        String[] manifestType = {"Content-Type", OciImageLayout.OCI_MANIFEST};
        assertThat(registry.send("PUT", "/v2/ro/app/manifests/v1", manifestBytes, manifestType).statusCode()).isEqualTo(201);
        String open = startUpload("ro/app");
        String octets = "application/octet-stream";
        // moved just now, and nothing is purged while read-only: the upload outlives the test
        assertThat(patch(open, "some", 0).statusCode()).isEqualTo(202);

        setReadOnly(true);
        try {
            Map<String, HttpResponse<byte[]>> writes = new LinkedHashMap<>();
            writes.put("POST upload", registry.send("POST", "/v2/ro/app/blobs/uploads/", null));
            writes.put("POST monolithic", registry.send("POST", "/v2/ro/app/blobs/uploads/?digest="
                    + RegistryClient.sha256(new byte[]{1}), new byte[]{1}, "Content-Type", octets));
            writes.put("POST mount", registry.send("POST", "/v2/ro/other/blobs/uploads/?mount=" + blob + "&from=ro/app", null));
            writes.put("PATCH upload", patch(open, "more", 4));
            writes.put("PUT upload", registry.send("PUT", open + (open.contains("?") ? "&" : "?") + "digest=" + blob,
                    layer, "Content-Type", octets));
            writes.put("DELETE upload", registry.send("DELETE", open, null));
            writes.put("PUT manifest", registry.send("PUT", "/v2/ro/app/manifests/v2", manifestBytes, manifestType));
            writes.put("DELETE tag", registry.send("DELETE", "/v2/ro/app/manifests/v1", null));
            writes.put("DELETE manifest", registry.send("DELETE", "/v2/ro/app/manifests/" + manifestDigest, null));
            writes.put("DELETE blob", registry.send("DELETE", "/v2/ro/app/blobs/" + blob, null));
            writes.forEach((what, response) -> assertThat(response.statusCode()).as(what + ": " + RegistryClient.text(response))
                    .isEqualTo(405));
            writes.forEach((what, response) -> assertThat(RegistryClient.text(response)).as(what)
                    .contains("\"code\":\"UNSUPPORTED\"").contains("\"message\":\"" + READ_ONLY + "\""));
            // a 405 names the methods left: reads, none at all on the endpoint that starts uploads
            writes.forEach((what, response) -> assertThat(response.headers().firstValue("Allow").orElse("")).as(what)
                    .isEqualTo(what.startsWith("POST") ? "" : "GET, HEAD"));

            assertThat(registry.get("/v2/ro/app/manifests/v1", "Accept", OciImageLayout.OCI_MANIFEST).body())
                    .isEqualTo(manifestBytes);
            assertThat(registry.get("/v2/ro/app/blobs/" + blob).body()).isEqualTo(layer);
            assertThat(registry.head("/v2/ro/app/blobs/" + blob).statusCode()).isEqualTo(200);
            assertThat(RegistryClient.text(registry.get("/v2/ro/app/tags/list"))).contains("\"v1\"");
            assertThat(registry.get(open).statusCode()).as("upload status is a read").isEqualTo(204);
            assertThat(RegistryClient.text(registry.get("/health/ready"))).contains("\"readOnly\":\"true\"");
            assertThat(registry.get("/debug/health").statusCode()).as("healthy: pulls are served").isEqualTo(200);
        } finally {
            setReadOnly(false);
        }
        assertThat(registry.send("PUT", "/v2/ro/app/manifests/v2", manifestBytes, manifestType).statusCode())
                .isEqualTo(201);
        byte[] after = "a layer pushed after read-only".getBytes(StandardCharsets.UTF_8);
        assertThat(registry.get("/v2/ro/app/blobs/" + registry.pushBlob("ro/app", after)).body()).isEqualTo(after);
        assertThat(RegistryClient.text(registry.get("/health/ready"))).contains("\"readOnly\":\"false\"");
    }

    @Test
    void anImmutableTagRefusesSkopeosPushOfAnotherImageAndKeepsItsDigest() throws Exception {
        new AddImmutableTagRule(new PostgresMaintenanceStore(database), new PostgresAuditLog(database),
                Clock.systemUTC()).add(Administration.SYSTEM, "test",
                new ImmutableTagRule(new RepositoryPattern("immutable/*"), "v*"));
        // one tag per layout: tag() writes the layout's whole index
        OciImageLayout layout = OciImageLayout.create(work.resolve("layout-first"));
        OciImageLayout.Blob first = layout.image("amd64", 1, 512);
        layout.tag(first, "first");
        OciImageLayout other = OciImageLayout.create(work.resolve("layout-second"));
        other.tag(other.image("amd64", 2, 512), "second");
        String host = "127.0.0.1:" + berth.port();
        String target = "docker://" + host + "/immutable/app:v1";

        Commands.ok(work, TIMEOUT, "skopeo", "copy", "--dest-tls-verify=false", "--preserve-digests",
                "oci:" + layout.root() + ":first", target);
        Commands.ok(work, TIMEOUT, "skopeo", "copy", "--dest-tls-verify=false", "--preserve-digests",
                "oci:" + layout.root() + ":first", target);
        Commands.Result refused = Commands.run(work, TIMEOUT, Map.of(), "skopeo", "copy", "--dest-tls-verify=false",
                "--preserve-digests", "oci:" + other.root() + ":second", target);
        assertThat(refused.exitCode()).as(refused.output()).isNotZero();
        assertThat(refused.output()).contains("denied").contains("tag immutable/app:v1 is immutable (rule immutable/*:v*)");

        assertThat(registry.get("/v2/immutable/app/manifests/v1", "Accept", OciImageLayout.OCI_MANIFEST).body())
                .as("the old digest stays in place").isEqualTo(layout.read(first.digest()));
        Commands.ok(work, TIMEOUT, "skopeo", "copy", "--dest-tls-verify=false", "--preserve-digests",
                "oci:" + other.root() + ":second", "docker://" + host + "/immutable/app:latest");

        assertError(registry.send("DELETE", "/v2/immutable/app/manifests/v1", null), 403, "DENIED",
                "tag immutable/app:v1 is immutable (rule immutable/*:v*): it cannot be deleted");
        assertError(registry.send("DELETE", "/v2/immutable/app/manifests/" + first.digest(), null), 403, "DENIED",
                "tag immutable/app:v1 is immutable");
        assertThat(registry.send("DELETE", "/v2/immutable/app/manifests/latest", null).statusCode()).isEqualTo(202);
        assertThat(registry.get("/v2/immutable/app/manifests/v1", "Accept", OciImageLayout.OCI_MANIFEST).statusCode())
                .isEqualTo(200);
    }
}
