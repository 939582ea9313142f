package dev.berth.deploy.system;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.berth.adapters.db.PostgresSigningKeyStore;
import dev.berth.application.access.CreateRobotToken;
import dev.berth.application.port.SigningKeyStore;
import dev.berth.domain.json.Json;
import dev.berth.domain.json.JsonNumber;
import dev.berth.domain.json.JsonObject;
import dev.berth.domain.json.JsonString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;

import static dev.berth.deploy.system.AuthBerth.basic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Berth with token auth: its own /token endpoint, docker following the Bearer challenge, and
 * tokens that must not work (forged, expired, for another service, unsigned).
 */
class TokenAuthIT {

    private static AuthBerth berth;
    private static RegistryClient registry;
    private static final String[] BOB = basic("bob", "bob-password");

    @BeforeAll
    static void start() throws Exception {
        berth = AuthBerth.start("token-auth-berth", Map.of(
                "REGISTRY_AUTH", "token",
                "REGISTRY_AUTH_TOKEN_SERVICE", "berth-test",
                "REGISTRY_AUTH_TOKEN_ISSUER", "berth-test-issuer",
                "REGISTRY_AUTH_BCRYPT_COST", "5"));
        registry = berth.client();
        berth.createUser("bob", "bob-password", "team-b/*:pull,push");
    }

    @AfterAll
    static void stop() throws Exception {
        if (berth != null) {
            berth.close();
        }
    }

    /** The token endpoint's answer, read with Berth's own JSON parser (the tests have no JSON-P provider). */
    private static Map<String, String> json(HttpResponse<byte[]> response) {
        Map<String, String> fields = new java.util.HashMap<>();
        ((JsonObject) Json.parse(response.body())).members().forEach((key, value) -> {
            if (value instanceof JsonString text) {
                fields.put(key, text.value());
            } else if (value instanceof JsonNumber number) {
                fields.put(key, number.value().toPlainString());
            }
        });
        return fields;
    }

    private static String token(String[] credentials, String scope) {
        HttpResponse<byte[]> response = registry.get("/token?service=berth-test&scope=" + scope, credentials);
        assertThat(response.statusCode()).as(RegistryClient.text(response)).isEqualTo(200);
        return json(response).get("token");
    }

    private static String[] bearer(String token) {
        return new String[]{"Authorization", "Bearer " + token};
    }

    @Test
    void dockerFollowsTheBearerChallengeToPushAndPull() throws Exception {
        try (DockerDaemon docker = DockerDaemon.start()) {
            String remote = berth.host() + "/team-b/app:v1";
            docker.loadImage("local/tokened:v1", 83);
            String imageId = docker.ok("image", "inspect", "--format", "{{.Id}}", "local/tokened:v1").trim();
            docker.ok("tag", "local/tokened:v1", remote);
            assertThat(docker.login(berth.host(), "bob", "bob-password").exitCode()).isZero();
            assertThat(docker.ok("push", remote)).containsPattern("digest: sha256:[0-9a-f]{64}");
            docker.ok("rmi", remote, "local/tokened:v1");
            docker.ok("pull", remote);
            assertThat(docker.ok("image", "inspect", "--format", "{{.Id}}", remote).trim()).isEqualTo(imageId);

            docker.ok("tag", remote, berth.host() + "/team-c/app:v1");
            Commands.Result denied = docker.run("push", berth.host() + "/team-c/app:v1");
            assertThat(denied.exitCode()).as(denied.output()).isNotZero();
        }
    }

    @Test
    void theChallengeNamesRealmServiceAndScope() {
        HttpResponse<byte[]> response = registry.get("/v2/team-b/app/tags/list");
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(RegistryClient.header(response, "WWW-Authenticate")).isEqualTo("Bearer realm=\""
                + registry.base() + "/token\",service=\"berth-test\",scope=\"repository:team-b/app:pull\"");
        assertThat(RegistryClient.header(registry.get("/v2/"), "WWW-Authenticate"))
                .startsWith("Bearer realm=").doesNotContain("scope=");
    }

    /** Issue 12: a forged X-Forwarded-Host from an untrusted peer must not send credentials elsewhere. */
    @Test
    void aForgedForwardedHostDoesNotMoveTheRealm() {
        HttpResponse<byte[]> response = registry.get("/v2/", "X-Forwarded-Host", "evil.example",
                "X-Forwarded-Proto", "https");
        assertThat(RegistryClient.header(response, "WWW-Authenticate"))
                .startsWith("Bearer realm=\"" + registry.base() + "/token\"");
    }

    @Test
    void tokensCarryOnlyWhatTheUserIsGranted() throws Exception {
        HttpResponse<byte[]> response = registry.get(
                "/token?service=berth-test&scope=repository:team-b/lib:pull,push,delete&scope=repository:other:pull",
                BOB);
        Map<String, String> body = json(response);
        assertThat(body.get("access_token")).isEqualTo(body.get("token"));
        assertThat(body.get("expires_in")).isEqualTo("300");
        JWTClaimsSet claims = SignedJWT.parse(body.get("token")).getJWTClaimsSet();
        assertThat(claims.getSubject()).isEqualTo("bob");
        assertThat(claims.getAudience()).containsExactly("berth-test");
        assertThat(claims.getIssuer()).isEqualTo("berth-test-issuer");
        assertThat(claims.getListClaim("access")).hasSize(1);
        assertThat(claims.getListClaim("access").getFirst().toString()).contains("team-b/lib").doesNotContain("delete");

        String token = body.get("token");
        byte[] layer = "token layer".getBytes(StandardCharsets.UTF_8);
        registry.pushBlobAs("team-b/lib", layer, bearer(token));
        assertThat(registry.get("/v2/team-b/lib/blobs/" + RegistryClient.sha256(layer), bearer(token)).statusCode())
                .isEqualTo(200);
        // granted to bob but not in this token: a new token would help
        HttpResponse<byte[]> otherRepo = registry.get("/v2/team-b/other/tags/list", bearer(token));
        assertThat(otherRepo.statusCode()).isEqualTo(401);
        assertThat(RegistryClient.header(otherRepo, "WWW-Authenticate")).contains("error=\"insufficient_scope\"");
        // not granted at all
        assertThat(registry.get("/v2/other/tags/list", bearer(token)).statusCode()).isEqualTo(403);
    }

    @Test
    void theOauthPasswordAndRefreshGrantsWork() {
        String form = "grant_type=password&service=berth-test&client_id=test&access_type=offline"
                + "&username=bob&password=bob-password&scope=repository%3Ateam-b%2Fapp%3Apull";
        HttpResponse<byte[]> response = registry.send("POST", "/token", form.getBytes(StandardCharsets.UTF_8),
                "Content-Type", "application/x-www-form-urlencoded");
        assertThat(response.statusCode()).as(RegistryClient.text(response)).isEqualTo(200);
        String refresh = json(response).get("refresh_token");
        assertThat(refresh).isNotBlank();

        String again = "grant_type=refresh_token&service=berth-test&client_id=test&refresh_token=" + refresh
                + "&scope=repository%3Ateam-b%2Fapp%3Apull";
        HttpResponse<byte[]> refreshed = registry.send("POST", "/token", again.getBytes(StandardCharsets.UTF_8),
                "Content-Type", "application/x-www-form-urlencoded");
        assertThat(refreshed.statusCode()).as(RegistryClient.text(refreshed)).isEqualTo(200);
        assertThat(json(refreshed).get("access_token")).isNotBlank();
        // a refresh token is no access token
        assertThat(registry.get("/v2/team-b/app/tags/list", bearer(refresh)).statusCode()).isEqualTo(401);

        String wrong = "grant_type=password&service=berth-test&client_id=test&username=bob&password=nope-nope";
        assertThat(registry.send("POST", "/token", wrong.getBytes(StandardCharsets.UTF_8),
                "Content-Type", "application/x-www-form-urlencoded").statusCode()).isEqualTo(401);
        assertThat(registry.get("/token?service=berth-test", basic("bob", "nope-nope")).statusCode()).isEqualTo(401);
        assertThat(registry.get("/token?service=another-service", BOB).statusCode()).isEqualTo(400);
    }

    private static HttpResponse<byte[]> form(String form) {
        return registry.send("POST", "/token", form.getBytes(StandardCharsets.UTF_8),
                "Content-Type", "application/x-www-form-urlencoded");
    }

    private static String refreshTokenOf(String user, String password) {
        HttpResponse<byte[]> response = form("grant_type=password&service=berth-test&client_id=test&access_type=offline"
                + "&username=" + user + "&password=" + password);
        assertThat(response.statusCode()).as(RegistryClient.text(response)).isEqualTo(200);
        return json(response).get("refresh_token");
    }

    private static HttpResponse<byte[]> refresh(String refreshToken, String scope) {
        return form("grant_type=refresh_token&service=berth-test&client_id=test&refresh_token=" + refreshToken
                + "&scope=" + java.net.URLEncoder.encode(scope, StandardCharsets.UTF_8));
    }

    /** The exploit of issue 23: a robot's refresh token, refreshed for a repository outside its scope. */
    @Test
    void aRobotOfTheAdminScopedToCiGetsNoRefreshTokenAndNoAccessOutsideCi() throws Exception {
        String[] admin = basic("admin", AuthBerth.ADMIN_PASSWORD);
        registry.pushBlobAs("ci/tool", "ci tool".getBytes(StandardCharsets.UTF_8),
                bearer(token(admin, "repository:ci/tool:pull,push")));
        registry.pushBlobAs("secret/app", "secret app".getBytes(StandardCharsets.UTF_8),
                bearer(token(admin, "repository:secret/app:pull,push")));
        CreateRobotToken.Created robot = berth.robotToken("admin", "ci/*:pull");
        String[] ci = basic("admin", robot.secret());

        HttpResponse<byte[]> offline = registry.get(
                "/token?service=berth-test&offline_token=true&scope=repository:ci/tool:pull", ci);
        assertThat(offline.statusCode()).isEqualTo(200);
        assertThat(json(offline)).containsKey("token").doesNotContainKey("refresh_token");
        HttpResponse<byte[]> passwordGrant = form("grant_type=password&service=berth-test&client_id=test"
                + "&access_type=offline&username=admin&password=" + robot.secret());
        assertThat(passwordGrant.statusCode()).isEqualTo(200);
        assertThat(json(passwordGrant)).doesNotContainKey("refresh_token");

        String ciToken = json(offline).get("token");
        assertThat(registry.get("/v2/ci/tool/tags/list", bearer(ciToken)).statusCode()).isIn(200, 404);
        String wider = token(ci, "repository:secret/app:pull,push");
        assertThat(SignedJWT.parse(wider).getJWTClaimsSet().getListClaim("access")).isEmpty();
        assertThat(registry.send("POST", "/v2/secret/app/blobs/uploads/", null, bearer(wider)).statusCode())
                .isEqualTo(403);
        assertThat(registry.get("/v2/secret/app/tags/list", bearer(wider)).statusCode()).isEqualTo(403);
        assertThat(registry.send("POST", "/v2/ci/tool/blobs/uploads/", null,
                bearer(token(ci, "repository:ci/tool:pull,push"))).statusCode()).isEqualTo(403);

        String catalogToken = token(ci, "registry:catalog:*");
        String catalog = RegistryClient.text(registry.get("/v2/_catalog", bearer(catalogToken)));
        assertThat(catalog).contains("\"ci/tool\"").doesNotContain("secret/app", "team-b/");
        assertThat(RegistryClient.text(registry.get("/v2/_catalog", bearer(token(admin, "registry:catalog:*")))))
                .contains("secret/app");

        berth.revokeRobotToken(robot.id());
        assertThat(registry.get("/v2/ci/tool/tags/list", bearer(ciToken)).statusCode())
                .as("the robot's access token dies with it").isEqualTo(401);
        assertThat(registry.get("/token?service=berth-test&scope=repository:ci/tool:pull", ci).statusCode())
                .isEqualTo(401);
    }

    @Test
    void aUsersRefreshTokenDiesWhenTheUserIsDisabledChangesPasswordOrLosesTheAdminFlag() {
        berth.createUser("dora", "dora-password-1", "team-d/*:pull");
        String scope = "repository:team-d/app:pull";

        String beforeDisabling = refreshTokenOf("dora", "dora-password-1");
        assertThat(refresh(beforeDisabling, scope).statusCode()).isEqualTo(200);
        berth.setEnabled("dora", false);
        berth.setEnabled("dora", true);
        assertThat(refresh(beforeDisabling, scope).statusCode()).as("disabled, even if enabled again").isEqualTo(401);

        String beforeThePasswordChange = refreshTokenOf("dora", "dora-password-1");
        berth.changePassword("dora", "dora-password-2");
        assertThat(refresh(beforeThePasswordChange, scope).statusCode()).isEqualTo(401);

        berth.setAdmin("dora", true);
        String asAdmin = refreshTokenOf("dora", "dora-password-2");
        assertThat(refresh(asAdmin, "repository:secret/app:pull").statusCode()).isEqualTo(200);
        berth.setAdmin("dora", false);
        HttpResponse<byte[]> refused = refresh(asAdmin, "repository:secret/app:pull");
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(RegistryClient.text(refused)).contains("UNAUTHORIZED");
        assertThat(berth.audit()).anyMatch(e -> e.actor().equals("dora") && !e.success()
                && e.detail().startsWith("refresh token issued before"));
    }

    @Test
    void forgedExpiredMisaddressedAndUnsignedTokensAreRejected() throws Exception {
        String genuine = token(BOB, "repository:team-b/app:pull");
        assertThat(registry.get("/v2/team-b/app/tags/list", bearer(genuine)).statusCode()).isIn(200, 404);
        SignedJWT parsed = SignedJWT.parse(genuine);
        String kid = parsed.getHeader().getKeyID();
        JWTClaimsSet claims = parsed.getJWTClaimsSet();

        // an attacker's own key, under the kid of a trusted one (CVE-2025-24976)
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        assertRejected(sign((ECPrivateKey) generator.generateKeyPair().getPrivate(), kid, claims));

        ECPrivateKey trusted = trustedKey(kid);
        // the genuine key, to show that the rejections below are for the claims alone
        assertThat(registry.get("/v2/team-b/app/tags/list", bearer(sign(trusted, kid, claims))).statusCode())
                .isIn(200, 404);
        Instant past = Instant.now().minusSeconds(3600);
        assertRejected(sign(trusted, kid, new JWTClaimsSet.Builder(claims).issueTime(Date.from(past))
                .notBeforeTime(Date.from(past)).expirationTime(Date.from(past.plusSeconds(300))).build()));
        assertRejected(sign(trusted, kid, new JWTClaimsSet.Builder(claims).audience("another-registry").build()));
        assertRejected(sign(trusted, kid, new JWTClaimsSet.Builder(claims).issuer("someone-else").build()));

        String none = Base64.getUrlEncoder().withoutPadding().encodeToString(
                ("{\"alg\":\"none\",\"typ\":\"JWT\",\"kid\":\"" + kid + "\"}").getBytes(StandardCharsets.UTF_8));
        assertRejected(none + "." + genuine.split("\\.")[1] + ".");
        assertRejected("garbage");
    }

    /** Issue 12: a dump of the database does not give the token signing key away. */
    @Test
    void theSigningKeyIsSealedInTheDatabase() throws Exception {
        token(BOB, "repository:team-b/app:pull");
        List<byte[]> stored = new java.util.ArrayList<>();
        try (java.sql.Connection connection = berth.database().dataSource().getConnection();
             java.sql.ResultSet rows = connection.createStatement().executeQuery("SELECT private_key FROM signing_key")) {
            while (rows.next()) {
                stored.add(rows.getBytes(1));
            }
            connection.commit();
        }
        assertThat(stored).isNotEmpty().allSatisfy(bytes -> {
            assertThatThrownBy(() -> KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(bytes)))
                    .as("no private key in the clear").isInstanceOf(java.security.spec.InvalidKeySpecException.class);
            assertThat(new String(bytes, 0, 2, StandardCharsets.US_ASCII)).isEqualTo("BS");
        });
        java.nio.file.Path work = java.nio.file.Path.of("target", "token-auth-berth").toAbsolutePath();
        assertThat(java.nio.file.Files.getPosixFilePermissions(work.resolve("berth-data/secrets.key")))
                .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                        java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        assertThat(berth.process().output()).containsPattern("secrets: +sealed with key "
                + BerthProcess.secrets(work).keyId() + " \\(.*secrets.key\\)");
    }

    private static void assertRejected(String token) {
        HttpResponse<byte[]> response = registry.get("/v2/team-b/app/tags/list", bearer(token));
        assertThat(response.statusCode()).as(token).isEqualTo(401);
        assertThat(RegistryClient.text(response)).contains("UNAUTHORIZED");
    }

    private static ECPrivateKey trustedKey(String kid) throws Exception {
        List<SigningKeyStore.SigningKey> keys = new PostgresSigningKeyStore(berth.database()).since(Instant.EPOCH);
        SigningKeyStore.SigningKey key = keys.stream().filter(k -> k.kid().equals(kid)).findFirst().orElseThrow();
        return (ECPrivateKey) KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(key.privateKey()));
    }

    private static String sign(ECPrivateKey key, String kid, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(kid).type(JOSEObjectType.JWT)
                .build(), claims);
        jwt.sign(new ECDSASigner(key));
        return jwt.serialize();
    }
}
