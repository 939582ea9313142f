package dev.berth.deploy.system;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.berth.adapters.http.security.ExternalTokenVerifier;
import dev.berth.adapters.http.testserver.JwksServer;
import dev.berth.adapters.http.tls.BouncyCastleCertificateIssuer;
import dev.berth.adapters.http.tls.BouncyCastlePemCodec;
import dev.berth.application.tls.CertificateIssuer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static dev.berth.deploy.system.AuthBerth.basic;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Berth accepting the tokens of an external token server (auth.token.rootcertbundle, and
 * auth.token.jwks as an HTTPS URL): the test is that server, signing tokens with the key of a
 * certificate it hands Berth in the bundle, and with keys it publishes as a JWK set over HTTPS on
 * loopback (its certificate from a test authority Berth trusts through auth.token.jwkscabundle).
 * Valid tokens push and pull for a subject Berth's users table does not know; a token lacking the
 * action is 401 insufficient_scope, as in Distribution; forged ones are 401 with a challenge that
 * sends the client to the external realm; rotated JWKS keys are fetched on their first token;
 * Berth's own tokens keep working.
 */
class ExternalTokenIssuerIT {

    private static final String REALM = "https://auth.corp.example/token";
    private static final String SERVICE = "registry.corp.example";
    private static final String ISSUER = "corp-token-server";
    private static final BouncyCastleCertificateIssuer CERTIFICATES = new BouncyCastleCertificateIssuer();

    private static AuthBerth berth;
    private static RegistryClient registry;
    private static KeyPair signer;
    private static KeyPair published;
    private static JwksServer jwks;

    @BeforeAll
    static void start() throws Exception {
        signer = CERTIFICATES.newKeyPair(CertificateIssuer.KeyType.EC_P256);
        Instant now = Instant.now();
        X509Certificate certificate = CERTIFICATES.certificateAuthority(signer, "corp token signer",
                now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)));
        Path files = Files.createDirectories(Path.of("target", "external-token-files").toAbsolutePath());
        Path bundle = Files.writeString(files.resolve("bundle.pem"), new BouncyCastlePemCodec().encode(List.of(certificate)));
        published = CERTIFICATES.newKeyPair(CertificateIssuer.KeyType.EC_P256);
        jwks = JwksServer.start(jwks(Map.of("jwks-1", published)));
        Path jwksAuthority = Files.writeString(files.resolve("jwks-ca.pem"), jwks.caPem());
        berth = AuthBerth.start("external-token-berth", Map.of(
                "REGISTRY_AUTH", "token",
                "REGISTRY_AUTH_TOKEN_REALM", REALM,
                "REGISTRY_AUTH_TOKEN_SERVICE", SERVICE,
                "REGISTRY_AUTH_TOKEN_ISSUER", ISSUER,
                "REGISTRY_AUTH_TOKEN_ROOTCERTBUNDLE", bundle.toString(),
                "REGISTRY_AUTH_TOKEN_JWKS", jwks.url().toString(),
                "REGISTRY_AUTH_TOKEN_JWKSCABUNDLE", jwksAuthority.toString(),
                "REGISTRY_AUTH_BCRYPT_COST", "5"));
        registry = berth.client();
    }

    @AfterAll
    static void stop() throws Exception {
        if (berth != null) {
            berth.close();
        }
        if (jwks != null) {
            jwks.close();
        }
    }

    private static String jwks(Map<String, KeyPair> keys) {
        return new JWKSet(keys.entrySet().stream().<JWK>map(e -> new ECKey.Builder(Curve.P_256,
                (ECPublicKey) e.getValue().getPublic()).keyID(e.getKey()).build()).toList()).toString();
    }

    private static JWTClaimsSet.Builder claims(String subject, String repository, String... actions) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().issuer(ISSUER).subject(subject).audience(SERVICE)
                .issueTime(Date.from(now)).notBeforeTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300)))
                .claim("access", List.of(Map.of("type", "repository", "name", repository, "actions", List.of(actions))));
    }

    private static String sign(KeyPair keys, JWTClaimsSet claims, UnaryOperator<JWSHeader.Builder> header)
            throws Exception {
        SignedJWT jwt = new SignedJWT(header.apply(new JWSHeader.Builder(JWSAlgorithm.ES256).type(JOSEObjectType.JWT))
                .build(), claims);
        jwt.sign(new ECDSASigner((ECPrivateKey) keys.getPrivate()));
        return jwt.serialize();
    }

    private static String[] bearer(String token) {
        return new String[]{"Authorization", "Bearer " + token};
    }

    @Test
    void aValidTokenOfTheIssuerPushesAndPullsForASubjectBerthDoesNotKnow() throws Exception {
        String token = sign(signer, claims("carol@corp.example", "corp/app", "pull", "push").build(), h -> h);
        assertThat(registry.get("/v2/", bearer(token)).statusCode()).isEqualTo(200);

        byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
        byte[] layer = "a layer pushed with an external token".getBytes(StandardCharsets.UTF_8);
        String configDigest = registry.pushBlobAs("corp/app", config, bearer(token));
        String layerDigest = registry.pushBlobAs("corp/app", layer, bearer(token));
        String manifest = """
                {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
                 "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%d},
                 "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"%s","size":%d}]}"""
                .formatted(configDigest, config.length, layerDigest, layer.length);
        HttpResponse<byte[]> put = registry.send("PUT", "/v2/corp/app/manifests/v1",
                manifest.getBytes(StandardCharsets.UTF_8),
                AuthBerth.with(bearer(token), "Content-Type", "application/vnd.oci.image.manifest.v1+json"));
        assertThat(put.statusCode()).as(RegistryClient.text(put)).isEqualTo(201);

        // a pull-only token of the same issuer, with the certificate itself in x5c this time
        String pull = sign(signer, claims("dave", "corp/app", "pull").build(), h -> h.x509CertChain(List.of(
                com.nimbusds.jose.util.Base64.encode(certificateOf(signer)))));
        HttpResponse<byte[]> pulled = registry.get("/v2/corp/app/manifests/v1", AuthBerth.with(bearer(pull),
                "Accept", "application/vnd.oci.image.manifest.v1+json"));
        assertThat(pulled.statusCode()).isEqualTo(200);
        assertThat(RegistryClient.text(pulled)).isEqualTo(manifest);
        assertThat(registry.get("/v2/corp/app/blobs/" + layerDigest, bearer(pull)).body()).isEqualTo(layer);
        // what the token does not carry sends the client back to the issuer for a token that does
        assertInsufficientScope(registry.send("POST", "/v2/corp/app/blobs/uploads/", null, bearer(pull)),
                "repository:corp/app:pull,push");
        assertInsufficientScope(registry.get("/v2/corp/other/tags/list", bearer(pull)), "repository:corp/other:pull");
        // and the catalog shows no more than the token names
        HttpResponse<byte[]> catalog = registry.get("/v2/_catalog", bearer(pull));
        assertThat(catalog.statusCode()).isEqualTo(200);
        assertThat(RegistryClient.text(catalog)).isEqualTo("{\"repositories\":[\"corp/app\"]}");
        assertThat(berth.audit()).anyMatch(e -> e.action().equals("push") && e.actor().equals("carol@corp.example")
                && e.target().equals("corp/app:v1"));
    }

    /** Distribution's answer to a token lacking the action: 401 naming the scope, error="insufficient_scope". */
    private static void assertInsufficientScope(HttpResponse<byte[]> response, String scope) {
        assertThat(response.statusCode()).as(RegistryClient.text(response)).isEqualTo(401);
        assertThat(RegistryClient.text(response)).contains("UNAUTHORIZED");
        assertThat(RegistryClient.header(response, "WWW-Authenticate")).isEqualTo("Bearer realm=\"" + REALM
                + "\",service=\"" + SERVICE + "\",scope=\"" + scope + "\",error=\"insufficient_scope\"");
    }

    @Test
    void keysPublishedAtTheJwksUrlAreTrustedAndARotatedKeyIsFetchedOnItsFirstToken() throws Exception {
        String first = sign(published, claims("frank@corp.example", "corp/rotated", "pull", "push").build(),
                h -> h.keyID("jwks-1"));
        assertThat(registry.get("/v2/", bearer(first)).statusCode()).isEqualTo(200);
        byte[] layer = "a layer pushed with a key of the JWKS URL".getBytes(StandardCharsets.UTF_8);
        String digest = registry.pushBlobAs("corp/rotated", layer, bearer(first));

        // the issuer rotates: the new kid is unknown to Berth until its first token makes Berth fetch again
        KeyPair rotated = CERTIFICATES.newKeyPair(CertificateIssuer.KeyType.EC_P256);
        jwks.publish(jwks(Map.of("jwks-2", rotated)));
        int fetches = jwks.requests();
        String second = sign(rotated, claims("frank@corp.example", "corp/rotated", "pull").build(),
                h -> h.keyID("jwks-2"));
        assertThat(registry.get("/v2/corp/rotated/blobs/" + digest, bearer(second)).body()).isEqualTo(layer);
        assertThat(jwks.requests()).isEqualTo(fetches + 1);

        // a flood of unknown kids (however well its claims are forged) does not make Berth hammer the issuer
        KeyPair forger = CERTIFICATES.newKeyPair(CertificateIssuer.KeyType.EC_P256);
        for (int i = 0; i < 20; i++) {
            String kid = "forged-" + i;
            HttpResponse<byte[]> response = registry.get("/v2/corp/rotated/blobs/" + digest, bearer(sign(forger,
                    claims("mallory", "corp/rotated", "pull").build(), h -> h.keyID(kid))));
            assertThat(response.statusCode()).isEqualTo(401);
        }
        assertThat(jwks.requests()).as("at most one fetch a minute for unknown kids").isEqualTo(fetches + 1);

        // the rotated key's pull-only token lacks push: 401 insufficient_scope, not 403
        assertInsufficientScope(registry.send("POST", "/v2/corp/rotated/blobs/uploads/", null, bearer(second)),
                "repository:corp/rotated:pull,push");
    }

    @Test
    void forgedTokensAre401WithAChallengeNamingTheExternalRealm() throws Exception {
        KeyPair forger = CERTIFICATES.newKeyPair(CertificateIssuer.KeyType.EC_P256);
        JWTClaimsSet claims = claims("mallory", "corp/app", "pull", "push").build();
        String genuineKid = ExternalTokenVerifier.libtrustKeyId(signer.getPublic());
        assertThat(registry.get("/v2/corp/app/tags/list", bearer(sign(signer, claims, h -> h.keyID(genuineKid))))
                .statusCode()).as("the genuine key under its kid").isIn(200, 404);
        List<String> forged = List.of(
                sign(forger, claims, h -> h),
                sign(forger, claims, h -> h.keyID(genuineKid)),
                // the forger's own key in the header (CVE-2025-24976)
                sign(forger, claims, h -> h.jwk(new ECKey.Builder(Curve.P_256, (ECPublicKey) forger.getPublic()).build())),
                // the forger's own self-signed certificate in x5c
                sign(forger, claims, h -> h.x509CertChain(List.of(com.nimbusds.jose.util.Base64.encode(
                        certificateOf(forger))))),
                // the genuine key, but for another registry or from another issuer
                sign(signer, claims("mallory", "corp/app", "pull").audience("another-registry").build(), h -> h),
                sign(signer, claims("mallory", "corp/app", "pull").issuer("someone-else").build(), h -> h));
        for (String token : forged) {
            HttpResponse<byte[]> response = registry.get("/v2/corp/app/tags/list", bearer(token));
            assertThat(response.statusCode()).as(token).isEqualTo(401);
            assertThat(RegistryClient.text(response)).contains("UNAUTHORIZED");
            assertThat(RegistryClient.header(response, "WWW-Authenticate")).startsWith("Bearer realm=\"" + REALM
                    + "\",service=\"" + SERVICE + "\"");
        }
        HttpResponse<byte[]> anonymous = registry.get("/v2/corp/app/tags/list");
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(RegistryClient.header(anonymous, "WWW-Authenticate")).isEqualTo("Bearer realm=\"" + REALM
                + "\",service=\"" + SERVICE + "\",scope=\"repository:corp/app:pull\"");
    }

    @Test
    void berthsOwnTokensKeepWorkingBesideTheIssuers() {
        berth.createUser("erin", "erin-password", "team-e/*:pull,push");
        HttpResponse<byte[]> response = registry.get("/token?service=" + SERVICE + "&scope=repository:team-e/app:pull,push",
                basic("erin", "erin-password"));
        assertThat(response.statusCode()).as(RegistryClient.text(response)).isEqualTo(200);
        String body = RegistryClient.text(response);
        String token = body.replaceAll("(?s).*\"token\"\\s*:\\s*\"([^\"]+)\".*", "$1");
        byte[] layer = "a layer pushed with Berth's own token".getBytes(StandardCharsets.UTF_8);
        String digest = registry.pushBlobAs("team-e/app", layer, bearer(token));
        assertThat(registry.get("/v2/team-e/app/blobs/" + digest, bearer(token)).statusCode()).isEqualTo(200);
    }

    /** A self-signed certificate of these keys, as the forger (or the issuer) could make one. */
    private static byte[] certificateOf(KeyPair keys) {
        try {
            Instant now = Instant.now();
            return CERTIFICATES.certificateAuthority(keys, "corp token signer", now.minus(Duration.ofDays(1)),
                    now.plus(Duration.ofDays(30))).getEncoded();
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }
}
