package dev.berth.deploy.system;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The README's start command on a fresh machine: berth.jar with no configuration file starts an
 * embedded PostgreSQL under ./berth-data, requires logins (401 with a Basic challenge without one; the
 * generated admin password from ./berth-data signs in, and the first sign-in to the admin UI replaces it
 * and removes its file), serves /v2/, /admin and /health, keeps its data across a
 * restart, recovers from being killed, and leaves no postgres process behind when stopped. And the
 * faults found on the packaged jar: the embedded PostgreSQL runs durably, comes back by itself when
 * its postmaster is killed, stops when Berth is killed, starts over an empty postmaster.pid and
 * broken binaries; a full storage volume gives a failed upload's bytes back at once; a storage
 * volume turned read-only refuses pushes with 503 and serves pulls until it is writable again.
 */
class EmbeddedDatabaseIT {

    private static final long LARGE_SEED = 99;
    private static final long LARGE_SIZE = 96L << 20;
    /** The storage volume (a tmpfs) holds the interrupted and the retried large upload, not the one that fills it. */
    private static final long VOLUME_SIZE = 192L << 20;
    private static final long FILLING_SIZE = 256L << 20;

    /** What the admin chooses at the first sign-in, in place of the generated password. */
    private static final String ADMIN_PASSWORD = "velvet-harbour-lantern-9";

    @TempDir
    Path work;

    private String uploadLocation;
    private boolean smallVolume;

    @Test
    void zeroConfigStartServesRestartsAndLeavesNothingBehind() throws Exception {
        int port = BerthProcess.freePort();
        Path data = work.resolve("berth-data");
        Path postgresBinaries = data.resolve("run/postgres-binaries");
        String installationId;
        List<String> acknowledged = new CopyOnWriteArrayList<>();
        Path storage = data.resolve("registry");

        try (BerthProcess berth = BerthProcess.startAsShipped(work, port, Map.of())) {
            Duration ready = berth.awaitStartedLine();
            System.out.printf("[measure] first start: java -jar to the started line in %.1f s%n", ready.toMillis() / 1000.0);
            // secure by default: without a login nothing is pushed or pulled; the generated admin's password works
            HttpResponse<String> refused = berth.get("/v2/");
            assertThat(refused.statusCode()).as("/v2/ right after the started line").isEqualTo(401);
            assertThat(refused.headers().firstValue("WWW-Authenticate")).contains("Basic realm=\"Berth\"");
            RegistryClient anonymous = new RegistryClient(berth);
            assertThat(anonymous.send("POST", "/v2/zero/config/blobs/uploads/", null).statusCode())
                    .as("anonymous push").isEqualTo(401);
            assertThat(anonymous.get("/v2/zero/config/manifests/latest").statusCode()).as("anonymous pull").isEqualTo(401);
            HttpResponse<byte[]> catalog = anonymous.get("/v2/_catalog");
            assertThat(catalog.statusCode()).as("anonymous catalog: nothing to list, so a login is asked for").isEqualTo(401);
            assertThat(RegistryClient.header(catalog, "WWW-Authenticate")).startsWith("Basic realm=");
            Path passwordFile = data.resolve("initial-admin-password");
            String generated = Files.readString(passwordFile).strip();
            RegistryClient admin = anonymous.as("admin", generated);

            assertThat(berth.listeningAddresses()).as("Berth's JVM listens on its HTTP address and nothing else")
                    .containsExactly("127.0.0.1:" + port);
            assertThat(admin.get("/v2").statusCode()).isEqualTo(200);
            HttpResponse<byte[]> base = admin.get("/v2/");
            assertThat(base.statusCode()).isEqualTo(200);
            assertThat(base.headers().firstValue("Docker-Distribution-API-Version")).contains("registry/2.0");
            assertThat(base.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
            assertThat(RegistryClient.text(base)).isEqualTo("{}");
            admin.pushBlob("zero/config", "pushed as admin".getBytes(StandardCharsets.UTF_8));
            HttpResponse<byte[]> delete = admin.send("DELETE",
                    "/v2/some/repo/manifests/sha256:" + "a".repeat(64), null);
            assertThat(delete.statusCode()).as("deletes are disabled by default").isEqualTo(405);
            assertThat(RegistryClient.text(delete)).contains("\"code\":\"UNSUPPORTED\"");
            assertThat(delete.headers().firstValue("Allow")).contains("GET, HEAD, PUT");

            HttpResponse<String> adminPage = berth.get("/admin");
            assertThat(adminPage.statusCode()).isEqualTo(200);
            assertThat(adminPage.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
            assertThat(adminPage.body()).contains("window.Vaadin");
            assertThat(berth.get("/lumo/lumo.css").statusCode()).as("admin UI theme").isEqualTo(200);
            // the first start's generated admin password, from the owner-only file, signs in; no log has it
            assertThat(berth.output()).doesNotContain(generated).contains(passwordFile.toString());
            assertThat(mode(passwordFile)).isEqualTo("rw-------");
            try (Browser browser = Browser.open("http://127.0.0.1:" + port, work)) {
                // the first sign-in asks for a password of the admin's own, whatever page was asked for
                browser.submitSignIn("admin", generated);
                browser.waitFor(By.id("initial-password-1"));
                browser.go("/admin/users");
                browser.type(By.id("initial-password-1"), "12345678");
                browser.type(By.id("initial-password-2"), "12345678");
                browser.click(By.id("initial-password-save"));
                assertThat(browser.fieldError(By.id("initial-password-1"), "most commonly used")).isNotEmpty();
                assertThat(passwordFile).as("kept until a password is chosen").exists();
                browser.screenshot("admin-choose-password");
                browser.type(By.id("initial-password-1"), ADMIN_PASSWORD);
                browser.type(By.id("initial-password-2"), ADMIN_PASSWORD);
                browser.click(By.id("initial-password-save"));
                browser.waitFor(By.id("signed-in-user"));
                assertThat(passwordFile).as("the generated password's file, once replaced").doesNotExist();
                assertThat(browser.driver().findElements(By.id("open-mode-banner"))).as("logins are required").isEmpty();
                assertThat(browser.waitFor(By.id("storage-location")).getText()).isEqualTo(data.resolve("registry").toString());
                assertThat(browser.waitFor(By.id("database-mode")).getText()).isEqualTo("embedded");
                assertThat(browser.waitFor(By.id("schema-version")).getText()).isEqualTo(LatestMigration.version());
                assertThat(browser.waitFor(By.id("database-durability")).getText())
                        .isEqualTo("durable (fsync on, full_page_writes on, synchronous_commit on)");
                browser.screenshot("admin-dashboard");
            }
            assertThat(admin.get("/v2/").statusCode()).as("the generated password no longer works").isEqualTo(401);
            assertThat(anonymous.as("admin", ADMIN_PASSWORD).get("/v2/").statusCode()).isEqualTo(200);

            HttpResponse<String> health = berth.get("/health/ready");
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(JsonFields.checkStatus(health.body(), "database")).isEqualTo("UP");
            assertThat(JsonFields.checkStatus(health.body(), "storage")).isEqualTo("UP");
            assertThat(JsonFields.string(health.body(), "mode")).isEqualTo("embedded");
            assertThat(JsonFields.string(health.body(), "schemaVersion")).isEqualTo(LatestMigration.version());
            installationId = JsonFields.string(health.body(), "installationId");
            // durable, whatever zonky's test defaults say
            assertThat(JsonFields.string(health.body(), "fsync")).isEqualTo("on");
            assertThat(JsonFields.string(health.body(), "synchronous_commit")).isEqualTo("on");
            assertThat(JsonFields.string(health.body(), "full_page_writes")).isEqualTo("on");
            assertThat(berth.output()).contains("durable (fsync on, full_page_writes on, synchronous_commit on)");
            assertThat(berth.get("/health/live").statusCode()).isEqualTo(200);
            ownerOnlyAndLockedDown(berth, data);

            postmasterKilledMidTraffic(berth, data, acknowledged);
            if (smallVolume) {
                fullVolumeReleasesTheFailedUpload(berth, work, storage);
                readOnlyVolumeAnswersUnavailableAndRecovers(berth, work, storage);
            }

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

        try (BerthProcess again = BerthProcess.startAsShipped(work, port, Map.of())) {
            Duration ready = again.awaitReady();
            System.out.printf("[measure] restart: java -jar to first 200 on /v2/ in %.1f s%n", ready.toMillis() / 1000.0);
            String health = again.get("/health/ready").body();
            assertThat(JsonFields.string(health, "installationId")).as("metadata survived the restart").isEqualTo(installationId);
            assertThat(JsonFields.string(health, "schemaVersion")).isEqualTo(LatestMigration.version());

            // a large upload is in flight when Berth is killed
            RegistryClient client = signedIn(again);
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
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!Processes.runningFrom(postgresBinaries).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(Processes.runningFrom(postgresBinaries)).as("a killed Berth's postgres stops by itself").isEmpty();

        // what a power loss leaves: an empty postmaster.pid, and extracted binaries truncated under their marker
        Files.writeString(data.resolve("postgres/postmaster.pid"), "");
        Path postgresBinary;
        try (Stream<Path> extractions = Files.list(postgresBinaries)) {
            postgresBinary = extractions.filter(p -> p.getFileName().toString().startsWith("PG-")).findFirst()
                    .orElseThrow().resolve("bin/postgres");
        }
        // a new empty file, not the old one truncated: the binaries may be hard links shared with other
        // tests' Berths (PostgresBinariesTemplate), and one that runs would make the write fail anyway
        Files.delete(postgresBinary);
        Files.createFile(postgresBinary);

        try (BerthProcess recovered = BerthProcess.startAsShipped(work, port, Map.of())) {
            recovered.awaitReady();
            String health = recovered.get("/health/ready").body();
            assertThat(JsonFields.checkStatus(health, "database")).isEqualTo("UP");
            assertThat(JsonFields.string(health, "installationId")).isEqualTo(installationId);
            assertThat(recovered.output()).contains("Removing the stale " + data.resolve("postgres/postmaster.pid"))
                    .contains("are not intact (bin/postgres has 0 bytes");
            assertThat(Files.size(postgresBinary)).as("extracted again").isPositive();
            // every push acknowledged before the postmaster and then Berth were killed pulls
            RegistryClient pulls = signedIn(recovered);
            assertThat(acknowledged).isNotEmpty().allSatisfy(digest ->
                    assertThat(pulls.get("/v2/fault/db/blobs/" + digest).statusCode()).as(digest).isEqualTo(200));

            // the interrupted upload left no blob; the registry works and the client's retry succeeds
            RegistryClient client = signedIn(recovered);
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

    /** The zero-config storage directory on a small volume of its own (mounting needs root, as here and in CI). */
    @BeforeEach
    void mountSmallStorageVolume() throws Exception {
        Path storage = Files.createDirectories(work.resolve("berth-data/registry"));
        smallVolume = Commands.run(work, Duration.ofSeconds(30), Map.of(), "mount", "-t", "tmpfs", "-o",
                "size=" + VOLUME_SIZE + ",mode=0700", "berth-it-storage", storage.toString()).exitCode() == 0;
    }

    @AfterEach
    void unmountStorageVolume() throws Exception {
        if (smallVolume) {
            Commands.run(work, Duration.ofSeconds(30), Map.of(), "umount", work.resolve("berth-data/registry").toString());
        }
    }

    /**
     * The OOM killer's way: SIGKILL to the postmaster while pushes go on. Requests answer 503
     * UNAVAILABLE meanwhile; the supervisor restarts PostgreSQL and pushes work again within
     * seconds, in the same Berth process, which stays live.
     */
    private static void postmasterKilledMidTraffic(BerthProcess berth, Path data, List<String> acknowledged)
            throws Exception {
        RegistryClient client = signedIn(berth);
        List<String> refusals = new CopyOnWriteArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        Thread traffic = Thread.ofPlatform().start(() -> {
            for (int i = 0; !stop.get(); i++) {
                byte[] content = ("push " + i).getBytes(StandardCharsets.UTF_8);
                String digest = RegistryClient.sha256(content);
                try {
                    HttpResponse<byte[]> push = client.send("POST", "/v2/fault/db/blobs/uploads/?digest=" + digest, content);
                    if (push.statusCode() == 201) {
                        acknowledged.add(digest);
                    } else {
                        refusals.add(push.statusCode() + " " + RegistryClient.text(push));
                    }
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    refusals.add(e.toString());
                }
            }
        });
        try {
            awaitCount(acknowledged, 3, Duration.ofSeconds(60));
            Path pidFile = data.resolve("postgres/postmaster.pid");
            long postmaster = Long.parseLong(Files.readAllLines(pidFile).getFirst().trim());
            ProcessHandle.of(postmaster).orElseThrow().destroyForcibly();
            long killed = System.nanoTime();
            int before = acknowledged.size();

            awaitCount(acknowledged, before + 3, Duration.ofSeconds(120));
            System.out.printf("[measure] postmaster killed: pushes acknowledged again after %.1f s%n",
                    (System.nanoTime() - killed) / 1e9);
            assertThat(Long.parseLong(Files.readAllLines(pidFile).getFirst().trim())).isNotEqualTo(postmaster);
        } finally {
            stop.set(true);
            traffic.join(150_000);
        }
        assertThat(berth.alive()).as("the same Berth process").isTrue();
        assertThat(refusals).as("meanwhile, the registry's own answer").allSatisfy(r ->
                assertThat(r).startsWith("503").contains("\"code\":\"UNAVAILABLE\""));
        assertThat(berth.get("/health/live").statusCode()).isEqualTo(200);
        assertThat(JsonFields.checkStatus(berth.get("/health/ready").body(), "database")).isEqualTo("UP");
        assertThat(berth.output()).contains("Embedded PostgreSQL restarted");
    }

    /** As docker after docker login with the password the admin chose. */
    private static RegistryClient signedIn(BerthProcess berth) {
        return new RegistryClient(berth).as("admin", ADMIN_PASSWORD);
    }

    private static void awaitCount(List<String> list, int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (list.size() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("only " + list.size() + " of " + count + " pushes acknowledged within " + timeout);
            }
            Thread.sleep(100);
        }
    }

    /**
     * A push larger than the free space: 503 naming the cause, and the failed upload's bytes gone at
     * once, so the next push fits.
     */
    private static void fullVolumeReleasesTheFailedUpload(BerthProcess berth, Path work, Path storage) throws Exception {
        // pushes cut off while the postmaster was down may have left theirs: only this one's must go
        List<Path> before;
        try (Stream<Path> uploads = Files.list(storage.resolve("uploads"))) {
            before = uploads.toList();
        }
        // curl reads the answer sent before the whole body arrived; Java's HttpClient only sees the connection close
        String answer = Commands.ok(work, Duration.ofSeconds(120), "sh", "-c",
                "head -c " + FILLING_SIZE + " /dev/zero | curl -sS -u 'admin:" + ADMIN_PASSWORD + "' -w '\\n%{http_code}' -X POST -T - "
                        + "-H 'Content-Type: application/octet-stream' '" + signedIn(berth).base()
                        + "/v2/fault/disk/blobs/uploads/?digest=sha256:" + "0".repeat(64) + "'");
        assertThat(answer).endsWith("\n503").contains("\"code\":\"UNAVAILABLE\"")
                .contains("\"detail\":\"no space left on the storage volume");
        try (Stream<Path> uploads = Files.list(storage.resolve("uploads"))) {
            assertThat(uploads.toList()).as("the failed upload's bytes").containsExactlyInAnyOrderElementsOf(before);
        }
        assertThat(berth.output()).contains("no space left on the storage volume at " + storage);
        byte[] small = "fits again".getBytes(StandardCharsets.UTF_8);
        assertThat(signedIn(berth).send("POST",
                "/v2/fault/disk/blobs/uploads/?digest=" + RegistryClient.sha256(small), small).statusCode()).isEqualTo(201);
    }

    /**
     * The storage volume turns read-only under the running Berth (what Linux does after I/O errors):
     * pushes get 503 UNAVAILABLE and leave no blob, pulls go on, readiness reports the storage down;
     * remounted read-write, the same Berth takes the same push.
     */
    private static void readOnlyVolumeAnswersUnavailableAndRecovers(BerthProcess berth, Path work, Path storage)
            throws Exception {
        RegistryClient client = signedIn(berth);
        byte[] stored = OciImageLayout.randomBytes(100_000, 51);
        String storedDigest = client.pushBlob("fault/readonly", stored);
        byte[] layer = OciImageLayout.randomBytes(20_000, 52);
        String digest = RegistryClient.sha256(layer);

        remount(work, storage, "ro");
        try {
            HttpResponse<byte[]> start = client.send("POST", "/v2/fault/readonly/blobs/uploads/", null);
            assertThat(start.statusCode()).isEqualTo(202);
            String upload = RegistryClient.header(start, "Location");
            StorageFaults.assertUnavailable(() -> client.send("PATCH", upload, layer));
            StorageFaults.assertUnavailable(() -> client.send("POST", "/v2/fault/readonly/blobs/uploads/?digest="
                    + digest, layer));
            assertThat(client.head("/v2/fault/readonly/blobs/" + digest).statusCode()).isEqualTo(404);
            assertThat(StorageFaults.pullBlob(client, "fault/readonly", storedDigest)).as("pulls go on").isEqualTo(stored);
            assertThat(StorageFaults.awaitStorage(berth, "DOWN").body()).contains("the storage does not accept writes");
        } finally {
            remount(work, storage, "rw");
        }

        StorageFaults.awaitStorage(berth, "UP");
        assertThat(client.pushBlob("fault/readonly", layer)).isEqualTo(digest);
        assertThat(StorageFaults.pullBlob(client, "fault/readonly", digest)).isEqualTo(layer);
    }

    /** Remounting read-only fails while a file is open for writing (the storage probe's, for a moment): tried again. */
    private static void remount(Path work, Path volume, String mode) throws Exception {
        Commands.Result result = null;
        for (int attempt = 0; attempt < 20 && (result == null || result.exitCode() != 0); attempt++) {
            if (result != null) {
                Thread.sleep(100);
            }
            result = Commands.run(work, Duration.ofSeconds(30), Map.of(), "mount", "-o", "remount," + mode,
                    volume.toString());
        }
        assertThat(result.exitCode()).as(result.output()).isZero();
    }

    /**
     * What other local users could reach: the data directory and everything stored are owner-only,
     * and the embedded PostgreSQL lets in nobody without its password (trust would let anybody
     * become a registry administrator).
     */
    private static void ownerOnlyAndLockedDown(BerthProcess berth, Path data) throws Exception {
        signedIn(berth).pushBlob("perm/check", "layer bytes".getBytes(StandardCharsets.UTF_8));
        assertThat(mode(data)).isEqualTo("rwx------");
        try (Stream<Path> stored = Files.walk(data.resolve("registry"))) {
            assertThat(stored.toList()).allSatisfy(path -> assertThat(mode(path)).as(path.toString())
                    .isEqualTo(Files.isDirectory(path) ? "rwx------" : "rw-------"));
        }
        Matcher embedded = Pattern.compile("database: embedded 127\\.0\\.0\\.1:(\\d+)").matcher(berth.output());
        assertThat(embedded.find()).isTrue();
        String url = "jdbc:postgresql://127.0.0.1:" + embedded.group(1) + "/postgres";
        assertThatThrownBy(() -> DriverManager.getConnection(url, "postgres", "no-such-password").close())
                .as("a connection without the password").hasMessageContaining("password authentication failed");
        String password = Files.readString(data.resolve("postgres/berth-pgpass")).strip().replaceFirst(".*:", "");
        try (Connection connection = DriverManager.getConnection(url, "postgres", password)) {
            assertThat(connection.isValid(5)).as("the owner-only password file lets the operator in").isTrue();
        }
    }

    private static String mode(Path path) {
        try {
            return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
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
