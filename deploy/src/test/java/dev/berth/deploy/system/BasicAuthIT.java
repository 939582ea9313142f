package dev.berth.deploy.system;

import dev.berth.adapters.http.security.BcryptPasswordHasher;
import dev.berth.adapters.db.PostgresAuditLog;
import dev.berth.adapters.db.PostgresLoginFailures;
import dev.berth.application.access.CreateRobotToken;
import dev.berth.application.port.AuditLog;
import dev.berth.domain.access.User;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static dev.berth.deploy.system.AuthBerth.basic;
import static dev.berth.deploy.system.AuthBerth.with;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Berth with basic auth (auth.htpasswd, users imported from an htpasswd file at start, others
 * added through the use cases), driven by docker and raw HTTP: who may push, pull, mount, list and
 * log in, and what they are told when they may not.
 */
class BasicAuthIT {

    private static AuthBerth berth;
    private static RegistryClient registry;
    private static DockerDaemon docker;
    private static final String[] ALICE = basic("alice", "alice-password");
    private static final String[] READER = basic("reader", "reader-password");
    private static final String[] ADMIN = basic("admin", AuthBerth.ADMIN_PASSWORD);

    @BeforeAll
    static void start() throws Exception {
        Path htpasswd = Files.createDirectories(Path.of("target", "basic-auth-files").toAbsolutePath()).resolve("htpasswd");
        BcryptPasswordHasher hasher = new BcryptPasswordHasher(5);
        Files.writeString(htpasswd, "# imported at start\nalice:" + hasher.hash("alice-password") + "\n");
        berth = AuthBerth.start("basic-auth-berth", Map.of(
                "REGISTRY_AUTH", "htpasswd",
                "REGISTRY_AUTH_HTPASSWD_REALM", "Berth test realm",
                "REGISTRY_AUTH_HTPASSWD_PATH", htpasswd.toString(),
                "REGISTRY_AUTH_HTPASSWD_GRANT", "team-a/*:pull,push,delete public/*:pull,push",
                "REGISTRY_AUTH_ANONYMOUS_PULL", "public/*",
                "REGISTRY_AUTH_THROTTLE_USERFAILURES", "3",
                "REGISTRY_AUTH_BCRYPT_COST", "5"));
        registry = berth.client();
        berth.createUser("reader", "reader-password", "team-a/*:pull");
        docker = DockerDaemon.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (docker != null) {
            docker.close();
        }
        if (berth != null) {
            berth.close();
        }
    }

    @Test
    void dockerLogsInPushesAndPullsWithBasicAuth() throws Exception {
        String remote = berth.host() + "/team-a/app:v1";
        docker.loadImage("local/app:v1", 71);
        String imageId = docker.ok("image", "inspect", "--format", "{{.Id}}", "local/app:v1").trim();
        docker.ok("tag", "local/app:v1", remote);

        Commands.Result denied = docker.run("push", remote);
        assertThat(denied.exitCode()).as(denied.output()).isNotZero();

        Commands.Result wrong = docker.login(berth.host(), "alice", "not-her-password");
        assertThat(wrong.exitCode()).as(wrong.output()).isNotZero();
        assertThat(docker.login(berth.host(), "alice", "alice-password").exitCode()).isZero();
        assertThat(docker.ok("push", remote)).containsPattern("digest: sha256:[0-9a-f]{64}");
        docker.ok("rmi", remote, "local/app:v1");
        docker.ok("pull", remote);
        assertThat(docker.ok("image", "inspect", "--format", "{{.Id}}", remote).trim()).isEqualTo(imageId);
        assertThat(berth.audit()).anyMatch(e -> e.action().equals("push") && e.actor().equals("alice")
                && e.target().equals("team-a/app:v1"));
        assertThat(berth.audit()).anyMatch(e -> e.action().equals("login") && e.actor().equals("alice") && e.success());
        docker.ok("logout", berth.host());
    }

    @Test
    void withoutOrWithWrongCredentialsTheAnswerIs401WithABasicChallenge() {
        HttpResponse<byte[]> none = registry.get("/v2/");
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(RegistryClient.header(none, "WWW-Authenticate")).isEqualTo("Basic realm=\"Berth test realm\"");
        assertThat(RegistryClient.text(none)).contains("UNAUTHORIZED");

        HttpResponse<byte[]> wrong = registry.get("/v2/", basic("reader", "wrong-password"));
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(RegistryClient.header(wrong, "WWW-Authenticate")).startsWith("Basic realm=");
        assertThat(registry.get("/v2/", basic("nobody", "whatever-1")).statusCode()).isEqualTo(401);
        assertThat(registry.get("/v2/", "Authorization", "Basic !!!").statusCode()).isEqualTo(401);
        assertThat(registry.get("/v2/", READER).statusCode()).isEqualTo(200);
        assertThat(berth.audit()).anyMatch(e -> e.action().equals("login") && e.actor().equals("reader") && !e.success());
    }

    @Test
    void aUserWithoutPushMayPullButPushingIs403() {
        registry.pushBlobAs("team-a/pullonly", "layer for the reader".getBytes(StandardCharsets.UTF_8), ALICE);
        String digest = RegistryClient.sha256("layer for the reader".getBytes(StandardCharsets.UTF_8));
        assertThat(registry.get("/v2/team-a/pullonly/blobs/" + digest, READER).statusCode()).isEqualTo(200);

        HttpResponse<byte[]> push = registry.send("POST", "/v2/team-a/pullonly/blobs/uploads/", null, READER);
        assertThat(push.statusCode()).isEqualTo(403);
        assertThat(RegistryClient.text(push)).contains("DENIED");
        assertThat(registry.send("DELETE", "/v2/team-a/pullonly/blobs/" + digest, null, READER).statusCode())
                .isEqualTo(403);
        // and nothing at all outside team-a
        assertThat(registry.get("/v2/public/nothing/tags/list", READER).statusCode()).isEqualTo(404);
        assertThat(registry.get("/v2/elsewhere/tags/list", READER).statusCode()).isEqualTo(403);
    }

    /** Issue 12: an upload is its starter's; another user with push on the same repository cannot touch it. */
    @Test
    void anotherUsersUploadIsUnknownToThemEvenWithPushThere() {
        berth.createUser("carol", "carol-password", "team-a/*:pull,push");
        String[] carol = basic("carol", "carol-password");
        byte[] layer = "alice's half-uploaded layer".getBytes(StandardCharsets.UTF_8);
        String digest = RegistryClient.sha256(layer);
        HttpResponse<byte[]> started = registry.send("POST", "/v2/team-a/shared/blobs/uploads/", null, ALICE);
        assertThat(started.statusCode()).isEqualTo(202);
        String upload = RegistryClient.header(started, "Location");
        String octets = "application/octet-stream";

        List<HttpResponse<byte[]>> tried = List.of(
                registry.send("PATCH", upload, layer, with(carol, "Content-Type", octets)),
                registry.send("PUT", upload + (upload.contains("?") ? "&" : "?") + "digest=" + digest, layer,
                        with(carol, "Content-Type", octets)),
                registry.get(upload, carol),
                registry.send("DELETE", upload, null, carol));
        assertThat(tried).allSatisfy(response -> {
            assertThat(response.statusCode()).isEqualTo(404);
            assertThat(RegistryClient.text(response)).contains("BLOB_UPLOAD_UNKNOWN");
        });

        // alice's upload is untouched: she finishes it
        assertThat(registry.get(upload, ALICE).statusCode()).isEqualTo(204);
        HttpResponse<byte[]> patched = registry.send("PATCH", upload, layer, with(ALICE, "Content-Type", octets));
        assertThat(patched.statusCode()).isEqualTo(202);
        String next = RegistryClient.header(patched, "Location");
        assertThat(registry.send("PUT", next + (next.contains("?") ? "&" : "?") + "digest=" + digest, null, ALICE)
                .statusCode()).isEqualTo(201);
        assertThat(registry.get("/v2/team-a/shared/blobs/" + digest, carol).body()).isEqualTo(layer);
    }

    /**
     * Issue 12: every read and delete of a repository checks the caller's grants on that repository
     * (tags, manifests, blobs, referrers), and a blob is not reachable through another repository's name.
     */
    @Test
    void everyReadAndDeleteChecksTheRepositoryItNames() {
        berth.createUser("stranger", "stranger-password", "stranger/*:pull,push,delete");
        String[] stranger = basic("stranger", "stranger-password");
        byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8);
        String configDigest = registry.pushBlobAs("team-a/vault", config, ALICE);
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + configDigest
                + "\",\"size\":" + config.length + "},\"layers\":[]}").getBytes(StandardCharsets.UTF_8);
        assertThat(registry.send("PUT", "/v2/team-a/vault/manifests/v1", manifest,
                with(ALICE, "Content-Type", "application/vnd.oci.image.manifest.v1+json")).statusCode()).isEqualTo(201);
        String manifestDigest = RegistryClient.sha256(manifest);
        registry.pushBlobAs("stranger/own", "stranger's own".getBytes(StandardCharsets.UTF_8), stranger);

        for (HttpResponse<byte[]> refused : List.of(
                registry.get("/v2/team-a/vault/tags/list", stranger),
                registry.get("/v2/team-a/vault/manifests/v1", stranger),
                registry.get("/v2/team-a/vault/blobs/" + configDigest, stranger),
                registry.get("/v2/team-a/vault/referrers/" + manifestDigest, stranger),
                registry.send("DELETE", "/v2/team-a/vault/manifests/" + manifestDigest, null, stranger),
                registry.send("DELETE", "/v2/team-a/vault/blobs/" + configDigest, null, stranger),
                registry.send("DELETE", "/v2/team-a/vault/manifests/" + manifestDigest, null, READER),
                registry.send("DELETE", "/v2/team-a/vault/manifests/v1", null, READER))) {
            assertThat(refused.statusCode()).as(refused.request().method() + " " + refused.uri()).isEqualTo(403);
            assertThat(RegistryClient.text(refused)).contains("DENIED");
        }
        // the blob through a repository the stranger may pull, where it was never pushed
        HttpResponse<byte[]> elsewhere = registry.get("/v2/stranger/own/blobs/" + configDigest, stranger);
        assertThat(elsewhere.statusCode()).isEqualTo(404);
        assertThat(RegistryClient.text(elsewhere)).contains("BLOB_UNKNOWN");
        // nothing was lost: the reader still pulls all of it
        assertThat(registry.get("/v2/team-a/vault/manifests/v1", with(READER, "Accept",
                "application/vnd.oci.image.manifest.v1+json")).body()).isEqualTo(manifest);
        assertThat(registry.get("/v2/team-a/vault/blobs/" + configDigest, READER).body()).isEqualTo(config);
    }

    @Test
    void anonymousCallersPullTheAnonymousPatternOnly() {
        byte[] content = "public layer".getBytes(StandardCharsets.UTF_8);
        registry.pushBlobAs("public/base", content, ALICE);
        String digest = RegistryClient.sha256(content);
        HttpResponse<byte[]> pull = registry.get("/v2/public/base/blobs/" + digest);
        assertThat(pull.statusCode()).isEqualTo(200);
        assertThat(pull.body()).isEqualTo(content);

        HttpResponse<byte[]> push = registry.send("POST", "/v2/public/base/blobs/uploads/", null);
        assertThat(push.statusCode()).isEqualTo(401);
        assertThat(RegistryClient.header(push, "WWW-Authenticate")).startsWith("Basic realm=");
        assertThat(registry.get("/v2/team-a/app/tags/list").statusCode()).isEqualTo(401);
    }

    @Test
    void aMountFromARepositoryTheCallerCannotPullStartsAnOrdinaryUpload() {
        byte[] secret = "team-a's secret layer".getBytes(StandardCharsets.UTF_8);
        registry.pushBlobAs("team-a/secret", secret, ALICE);
        String digest = RegistryClient.sha256(secret);
        berth.createUser("mallory", "mallory-password", "mallory/*:pull,push");
        String[] mallory = basic("mallory", "mallory-password");

        HttpResponse<byte[]> mount = registry.send("POST",
                "/v2/mallory/loot/blobs/uploads/?mount=" + digest + "&from=team-a/secret", null, mallory);
        assertThat(mount.statusCode()).isEqualTo(202);
        assertThat(RegistryClient.header(mount, "Location")).contains("/v2/mallory/loot/blobs/uploads/");
        HttpResponse<byte[]> noFrom = registry.send("POST", "/v2/mallory/loot/blobs/uploads/?mount=" + digest, null, mallory);
        assertThat(noFrom.statusCode()).isEqualTo(202);
        assertThat(registry.head("/v2/mallory/loot/blobs/" + digest, mallory).statusCode()).isEqualTo(404);

        // who may pull the source mounts
        HttpResponse<byte[]> allowed = registry.send("POST",
                "/v2/team-a/copy/blobs/uploads/?mount=" + digest + "&from=team-a/secret", null, ALICE);
        assertThat(allowed.statusCode()).isEqualTo(201);
    }

    @Test
    void theCatalogListsOnlyWhatTheCallerMayPull() {
        registry.pushBlobAs("team-a/listed", "listed".getBytes(StandardCharsets.UTF_8), ALICE);
        registry.pushBlobAs("public/listed", "public".getBytes(StandardCharsets.UTF_8), ALICE);
        berth.createUser("outsider", "outsider-password", "outside/*:pull,push");
        registry.pushBlobAs("outside/hidden", "hidden".getBytes(StandardCharsets.UTF_8),
                basic("outsider", "outsider-password"));

        String asReader = RegistryClient.text(registry.get("/v2/_catalog", READER));
        assertThat(asReader).contains("team-a/listed", "public/listed").doesNotContain("outside/hidden");
        String anonymous = RegistryClient.text(registry.get("/v2/_catalog"));
        assertThat(anonymous).contains("public/listed").doesNotContain("team-a/", "outside/");
        String asAdmin = RegistryClient.text(registry.get("/v2/_catalog", ADMIN));
        assertThat(asAdmin).contains("team-a/listed", "public/listed", "outside/hidden");
        // paged, the filter still fills pages
        HttpResponse<byte[]> page = registry.get("/v2/_catalog?n=1", READER);
        assertThat(RegistryClient.text(page)).doesNotContain("outside/");
    }

    @Test
    void aDisabledUserIsRejectedAtOnce() {
        berth.createUser("carol", "carol-password", "team-a/*:pull");
        String[] carol = basic("carol", "carol-password");
        assertThat(registry.get("/v2/", carol).statusCode()).isEqualTo(200);
        assertThat(registry.get("/v2/_catalog", carol).statusCode()).isEqualTo(200);
        berth.setEnabled("carol", false);
        assertThat(registry.get("/v2/", carol).statusCode()).isEqualTo(401);
        assertThat(registry.get("/v2/_catalog", carol).statusCode()).isEqualTo(401);
        berth.setEnabled("carol", true);
        assertThat(registry.get("/v2/", carol).statusCode()).isEqualTo(200);
    }

    @Test
    void repeatedWrongPasswordsAreThrottledEvenForTheRightOne() {
        berth.createUser("victim", "victim-password", "team-a/*:pull");
        for (int i = 0; i < 3; i++) {
            assertThat(registry.get("/v2/", basic("victim", "guess-" + i)).statusCode()).isEqualTo(401);
        }
        HttpResponse<byte[]> throttled = registry.get("/v2/", basic("victim", "victim-password"));
        assertThat(throttled.statusCode()).isEqualTo(429);
        assertThat(RegistryClient.text(throttled)).contains("TOOMANYREQUESTS");
        assertThat(RegistryClient.header(throttled, "Retry-After")).isNotNull();
        assertThat(berth.audit()).anyMatch(e -> e.actor().equals("victim") && e.detail().startsWith("throttled"));
        // other users are not affected
        assertThat(registry.get("/v2/", READER).statusCode()).isEqualTo(200);
    }

    @Test
    void robotTokensAreScopedBasicPasswordsUntilRevoked() {
        registry.pushBlobAs("team-a/ci", "ci layer".getBytes(StandardCharsets.UTF_8), ALICE);
        String digest = RegistryClient.sha256("ci layer".getBytes(StandardCharsets.UTF_8));
        CreateRobotToken.Created robot = berth.robotToken("alice", "team-a/ci:pull");
        String[] ci = basic("alice", robot.secret());
        assertThat(registry.get("/v2/team-a/ci/blobs/" + digest, ci).statusCode()).isEqualTo(200);
        assertThat(registry.send("POST", "/v2/team-a/ci/blobs/uploads/", null, ci).statusCode()).isEqualTo(403);
        assertThat(registry.get("/v2/team-a/app/tags/list", ci).statusCode()).isEqualTo(403);
        berth.revokeRobotToken(robot.id());
        assertThat(registry.get("/v2/team-a/ci/blobs/" + digest, ci).statusCode()).isEqualTo(401);
    }

    @Test
    void aRobotOfTheAdminScopedToCiPullsAndListsOnlyCi() {
        byte[] tool = "ci tool layer".getBytes(StandardCharsets.UTF_8);
        byte[] secret = "secret app layer".getBytes(StandardCharsets.UTF_8);
        registry.pushBlobAs("ci/tool", tool, ADMIN);
        registry.pushBlobAs("secret/app", secret, ADMIN);
        CreateRobotToken.Created robot = berth.robotToken("admin", "ci/*:pull");
        String[] ci = basic("admin", robot.secret());

        assertThat(registry.get("/v2/ci/tool/blobs/" + RegistryClient.sha256(tool), ci).statusCode()).isEqualTo(200);
        assertThat(registry.get("/v2/secret/app/blobs/" + RegistryClient.sha256(secret), ci).statusCode()).isEqualTo(403);
        assertThat(registry.get("/v2/secret/app/tags/list", ci).statusCode()).isEqualTo(403);
        assertThat(registry.send("POST", "/v2/secret/app/blobs/uploads/", null, ci).statusCode()).isEqualTo(403);
        assertThat(registry.send("POST", "/v2/ci/tool/blobs/uploads/", null, ci).statusCode()).isEqualTo(403);

        String catalog = RegistryClient.text(registry.get("/v2/_catalog", ci));
        assertThat(catalog).contains("\"ci/tool\"").doesNotContain("secret/app", "team-a/", "public/");
        assertThat(RegistryClient.text(registry.get("/v2/_catalog?n=1", ci))).contains("\"ci/tool\"");
        assertThat(RegistryClient.text(registry.get("/v2/_catalog", ADMIN))).contains("secret/app");

        berth.revokeRobotToken(robot.id());
        assertThat(registry.get("/v2/ci/tool/blobs/" + RegistryClient.sha256(tool), ci).statusCode()).isEqualTo(401);
    }

    @Test
    void theTokenEndpointIsNotThereInBasicMode() {
        assertThat(registry.get(registry.base() + "/token?service=berth", ALICE).statusCode()).isEqualTo(404);
    }

    /** From 127.0.0.2, so that 127.0.0.1 (every other test here) is not throttled. */
    @Test
    void throttledLoginsWithLongNamesAddABoundedNumberOfAuditRowsWithCappedNames() {
        String from = "127.0.0.2";
        int refused = 0;
        int throttled = 0;
        for (int i = 0; i < 300; i++) {
            String name = i + "-" + "m".repeat(3000);
            int status = RawHttp.status(from, berth.process().port(), "GET", "/v2/", basic(name, "guess-guess"));
            if (status == 401) {
                refused++;
            } else {
                assertThat(status).isEqualTo(429);
                throttled++;
            }
        }
        // auth.throttle.addressfailures: 50 failures a window, then 429
        assertThat(refused).isEqualTo(50);
        List<AuditLog.Event> rows = new PostgresAuditLog(berth.database()).search(AuditLog.Filter.ALL, 0, 500).stream()
                .filter(e -> e.address().equals(from)).toList();
        assertThat(rows).as("a row per failure, one for all throttled attempts").hasSize(51)
                .allMatch(e -> e.actor().length() <= User.MAX_NAME_LENGTH + 1);
        assertThat(rows.getFirst().detail()).isEqualTo("throttled: too many failed logins from this address");
        assertThat(rows.getFirst().occurrences()).isEqualTo(throttled);
        assertThat(new PostgresLoginFailures(berth.database()).countSince("address:" + from, Instant.EPOCH))
                .isEqualTo(50);
    }

    /**
     * The storage broken under Berth (its uploads directory replaced by a file): readiness turns red
     * within the probe's interval, anybody learns that, only an administrator learns why.
     */
    @Test
    void healthDetailsAreForAdministratorsOnly() throws Exception {
        Path uploads = Path.of("target", "basic-auth-berth", "berth-data", "registry", "uploads").toAbsolutePath();
        Path aside = uploads.resolveSibling("uploads.aside");
        Files.createDirectories(uploads);
        Files.move(uploads, aside);
        Files.writeString(uploads, "not a directory");
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (berth.process().get("/debug/health").statusCode() != 503 && System.nanoTime() < deadline) {
                Thread.sleep(500);
            }
            HttpResponse<byte[]> anonymous = registry.get("/debug/health");
            assertThat(anonymous.statusCode()).isEqualTo(503);
            assertThat(RegistryClient.text(anonymous)).isEqualTo("{\"storage\":\"the storage does not accept writes\"}");
            assertThat(RegistryClient.text(registry.get("/debug/health", READER))).doesNotContain(uploads.toString());
            String ready = berth.process().get("/health/ready").body();
            assertThat(ready).contains("the storage does not accept writes").doesNotContain(uploads.toString())
                    .doesNotContain("Exception");
            assertThat(RegistryClient.text(registry.get("/debug/health", ADMIN))).contains(uploads.toString());
        } finally {
            Files.delete(uploads);
            Files.move(aside, uploads);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (berth.process().get("/debug/health").statusCode() != 200 && System.nanoTime() < deadline) {
            Thread.sleep(500);
        }
        assertThat(berth.process().get("/health/ready").statusCode()).isEqualTo(200);
    }
}
