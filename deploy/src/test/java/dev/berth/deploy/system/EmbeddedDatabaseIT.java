package dev.berth.deploy.system;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's start command on a fresh machine: berth.jar with no configuration file starts an
 * embedded PostgreSQL under ./berth-data, serves /v2/, /admin and /health, keeps its data across a
 * restart, recovers from being killed, and leaves no postgres process behind when stopped.
 */
class EmbeddedDatabaseIT {

    private static final long LARGE_SEED = 99;
    private static final long LARGE_SIZE = 96L << 20;

    @TempDir
    Path work;

    private String uploadLocation;

    @Test
    void zeroConfigStartServesRestartsAndLeavesNothingBehind() throws Exception {
        int port = BerthProcess.freePort();
        Path data = work.resolve("berth-data");
        Path postgresBinaries = data.resolve("run/postgres-binaries");
        String installationId;

        try (BerthProcess berth = BerthProcess.start(work, port, Map.of())) {
            Duration ready = berth.awaitReady();
            System.out.printf("[measure] first start: java -jar to first 200 on /v2/ in %.1f s%n", ready.toMillis() / 1000.0);

            assertThat(berth.listeningAddresses()).as("Berth's JVM listens on its HTTP address and nothing else")
                    .containsExactly("127.0.0.1:" + port);
            assertThat(berth.get("/v2").statusCode()).isEqualTo(200);
            HttpResponse<String> base = berth.get("/v2/");
            assertThat(base.statusCode()).isEqualTo(200);
            assertThat(base.headers().firstValue("Docker-Distribution-API-Version")).contains("registry/2.0");
            assertThat(base.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
            assertThat(base.body()).isEqualTo("{}");
            HttpResponse<byte[]> delete = new RegistryClient(berth).send("DELETE",
                    "/v2/some/repo/manifests/sha256:" + "a".repeat(64), null);
            assertThat(delete.statusCode()).as("deletes are disabled by default").isEqualTo(405);
            assertThat(RegistryClient.text(delete)).contains("\"code\":\"UNSUPPORTED\"");

            HttpResponse<String> admin = berth.get("/admin");
            assertThat(admin.statusCode()).isEqualTo(200);
            assertThat(admin.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
            assertThat(admin.body()).contains("window.Vaadin");
            assertThat(berth.get("/lumo/lumo.css").statusCode()).as("admin UI theme").isEqualTo(200);
            // the first start's generated admin password, from the owner-only file, signs in
            String password = Files.readString(data.resolve("initial-admin-password")).strip();
            try (Browser browser = Browser.open("http://127.0.0.1:" + port, work)) {
                browser.signIn("admin", password);
                assertThat(browser.waitFor(By.id("storage-location")).getText()).isEqualTo(data.resolve("registry").toString());
                assertThat(browser.waitFor(By.id("database-mode")).getText()).isEqualTo("embedded");
                assertThat(browser.waitFor(By.id("schema-version")).getText()).isEqualTo(LatestMigration.version());
                browser.screenshot("admin-dashboard");
            }

            HttpResponse<String> health = berth.get("/health/ready");
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(JsonFields.checkStatus(health.body(), "database")).isEqualTo("UP");
            assertThat(JsonFields.checkStatus(health.body(), "storage")).isEqualTo("UP");
            assertThat(JsonFields.string(health.body(), "mode")).isEqualTo("embedded");
            assertThat(JsonFields.string(health.body(), "schemaVersion")).isEqualTo(LatestMigration.version());
            installationId = JsonFields.string(health.body(), "installationId");

            assertThat(berth.output())
                    .contains("listening on 127.0.0.1:" + port)
                    .contains("config:   defaults + environment")
                    .contains("storage:  filesystem " + data.resolve("registry"))
                    .contains("database: embedded 127.0.0.1:")
                    .contains("data in " + data.resolve("postgres"))
                    .containsPattern("Berth \\S+ started in \\d+\\.\\d s");
            assertThat(Processes.runningFrom(postgresBinaries)).as("embedded postgres runs").isNotEmpty();
            long rssKb = ProcessHandle.of(berth.pid()).map(p -> rssKilobytes(p.pid())).orElse(-1L);
            System.out.printf("[measure] idle RSS after start: %d MiB%n", rssKb / 1024);

            berth.stop();
        }
        assertThat(Processes.runningFrom(postgresBinaries)).as("postgres after stop").isEmpty();
        assertThat(data.resolve("postgres/postmaster.pid")).doesNotExist();
        assertThat(data.resolve("postgres/PG_VERSION")).exists();

        try (BerthProcess again = BerthProcess.start(work, port, Map.of())) {
            Duration ready = again.awaitReady();
            System.out.printf("[measure] restart: java -jar to first 200 on /v2/ in %.1f s%n", ready.toMillis() / 1000.0);
            String health = again.get("/health/ready").body();
            assertThat(JsonFields.string(health, "installationId")).as("metadata survived the restart").isEqualTo(installationId);
            assertThat(JsonFields.string(health, "schemaVersion")).isEqualTo(LatestMigration.version());

            // a large upload is in flight when Berth is killed
            RegistryClient client = new RegistryClient(again);
            HttpResponse<byte[]> started = client.send("POST", "/v2/crash/test/blobs/uploads/", null);
            uploadLocation = RegistryClient.header(started, "Location");
            GeneratedContent inFlight = new GeneratedContent(LARGE_SEED, LARGE_SIZE, 48L << 20);
            Thread uploader = Thread.ofPlatform().start(() -> {
                try {
                    client.sendStreamed("PATCH", uploadLocation, () -> inFlight);
                } catch (RuntimeException expected) {
                    // the server dies under it
                }
            });
            inFlight.awaitPause();
            again.kill();
            inFlight.resume();
            uploader.join(60_000);
        }
        assertThat(Processes.runningFrom(postgresBinaries)).as("a killed Berth leaves its postgres running").isNotEmpty();

        try (BerthProcess recovered = BerthProcess.start(work, port, Map.of())) {
            recovered.awaitReady();
            String health = recovered.get("/health/ready").body();
            assertThat(JsonFields.checkStatus(health, "database")).isEqualTo("UP");
            assertThat(JsonFields.string(health, "installationId")).isEqualTo(installationId);
            assertThat(recovered.output()).contains("Stopping PostgreSQL left running by a previous Berth");

            // the interrupted upload left no blob; the registry works and the client's retry succeeds
            RegistryClient client = new RegistryClient(recovered);
            String digest = GeneratedContent.sha256(LARGE_SEED, LARGE_SIZE);
            assertThat(client.head("/v2/crash/test/blobs/" + digest).statusCode()).isEqualTo(404);
            HttpResponse<byte[]> status = client.get(uploadLocation);
            assertThat(status.statusCode()).as("the session survived; none of its PATCH completed").isEqualTo(204);
            assertThat(RegistryClient.header(status, "Range")).isEqualTo("0-0");
            HttpResponse<byte[]> retry = client.sendStreamed("POST", "/v2/crash/test/blobs/uploads/?digest=" + digest,
                    () -> new GeneratedContent(LARGE_SEED, LARGE_SIZE));
            assertThat(retry.statusCode()).as(RegistryClient.text(retry)).isEqualTo(201);
            HttpResponse<byte[]> head = client.head("/v2/crash/test/blobs/" + digest);
            assertThat(head.statusCode()).isEqualTo(200);
            assertThat(RegistryClient.header(head, "Content-Length")).isEqualTo(String.valueOf(LARGE_SIZE));
            recovered.stop();
        }
        assertThat(Processes.runningFrom(postgresBinaries)).as("postgres after the last stop").isEmpty();
    }

    private static long rssKilobytes(long pid) {
        try {
            return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                    .filter(l -> l.startsWith("VmRSS:"))
                    .map(l -> Long.parseLong(l.replaceAll("\\D", "")))
                    .findFirst().orElse(-1L);
        } catch (Exception e) {
            return -1L;
        }
    }
}
