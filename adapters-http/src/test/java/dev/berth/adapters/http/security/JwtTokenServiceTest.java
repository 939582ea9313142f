package dev.berth.adapters.http.security;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.berth.application.fake.InMemorySigningKeys;
import dev.berth.application.port.SigningKeyStore;
import dev.berth.application.port.TokenService;
import dev.berth.domain.access.Scope;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class JwtTokenServiceTest {

    private static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");
    private final InMemorySigningKeys store = new InMemorySigningKeys();
    private final JwtTokenService tokens = new JwtTokenService(store, "berth", "berth-registry", Duration.ofDays(7),
            Duration.ofDays(1));
    private final TokenService.Claims claims = new TokenService.Claims("alice",
            List.of(new Scope("repository", "team-a/app", Set.of("pull", "push"))), T0, T0.plusSeconds(300), false);

    @Test
    void signedTokensVerifyWithTheirClaims() {
        String token = tokens.sign(claims);
        assertThat(tokens.verify(token, T0.plusSeconds(10))).contains(claims);
        assertThat(store.keys).hasSize(1);
        TokenService.Claims refresh = new TokenService.Claims("alice", List.of(), T0, T0.plusSeconds(3600), true);
        assertThat(tokens.verify(tokens.sign(refresh), T0).orElseThrow().refresh()).isTrue();
    }

    @Test
    void theRobotOfAnAccessTokenAndTheCredentialStampOfARefreshTokenSurviveSigning() {
        TokenService.Claims robot = new TokenService.Claims("root", List.of(), T0, T0.plusSeconds(300), false, false,
                Optional.of(UUID.randomUUID()), TokenService.Claims.NO_STAMP);
        TokenService.Claims refresh = new TokenService.Claims("alice", List.of(), T0, T0.plusSeconds(3600), true, false,
                Optional.empty(), 42);

        assertThat(tokens.verify(tokens.sign(robot), T0)).contains(robot);
        assertThat(tokens.verify(tokens.sign(refresh), T0)).contains(refresh);
        assertThat(tokens.verify(tokens.sign(claims), T0).orElseThrow().credentialStamp())
                .as("no stamp: matches no user's").isEqualTo(TokenService.Claims.NO_STAMP);
    }

    @Test
    void expiredTokensAreRejected() {
        String token = tokens.sign(claims);
        assertThat(tokens.verify(token, T0.plusSeconds(300 + 60))).isEmpty();
    }

    @Test
    void tokensForAnotherAudienceOrFromAnotherIssuerAreRejected() {
        String token = tokens.sign(claims);
        JwtTokenService otherService = new JwtTokenService(store, "berth", "other-registry", Duration.ofDays(7),
                Duration.ofDays(1));
        JwtTokenService otherIssuer = new JwtTokenService(store, "someone-else", "berth-registry", Duration.ofDays(7),
                Duration.ofDays(1));
        assertThat(otherService.verify(token, T0)).isEmpty();
        assertThat(otherIssuer.verify(token, T0)).isEmpty();
    }

    @Test
    void aTokenSignedByAnotherKeyUnderATrustedKidIsRejected() throws Exception {
        String genuine = tokens.sign(claims);
        String kid = SignedJWT.parse(genuine).getHeader().getKeyID();
        SigningKeyStore.SigningKey attackers = JwtTokenService.generate(T0);
        ECPrivateKey key = (ECPrivateKey) KeyFactory.getInstance("EC")
                .generatePrivate(new PKCS8EncodedKeySpec(attackers.privateKey()));
        SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(kid).type(JOSEObjectType.JWT)
                .build(), SignedJWT.parse(genuine).getJWTClaimsSet());
        forged.sign(new ECDSASigner(key));
        assertThat(tokens.verify(forged.serialize(), T0)).isEmpty();
    }

    @Test
    void unsignedAndSymmetricTokensAreRejected() throws Exception {
        String genuine = tokens.sign(claims);
        SignedJWT parsed = SignedJWT.parse(genuine);
        JWTClaimsSet set = parsed.getJWTClaimsSet();
        assertThat(tokens.verify(new PlainJWT(set).serialize(), T0)).isEmpty();
        // "alg":"none" with the genuine kid and no signature
        String header = Base64.getUrlEncoder().withoutPadding().encodeToString(
                ("{\"alg\":\"none\",\"kid\":\"" + parsed.getHeader().getKeyID() + "\"}").getBytes());
        assertThat(tokens.verify(header + "." + genuine.split("\\.")[1] + ".", T0)).isEmpty();
        // HS256 keyed with the public key, the classic algorithm confusion
        SignedJWT hmac = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(parsed.getHeader().getKeyID())
                .build(), set);
        hmac.sign(new MACSigner(store.keys.getFirst().publicKey().length >= 32
                ? java.util.Arrays.copyOf(store.keys.getFirst().publicKey(), 64) : new byte[64]));
        assertThat(tokens.verify(hmac.serialize(), T0)).isEmpty();
        assertThat(tokens.verify("not a token", T0)).isEmpty();
    }

    @Test
    void aTamperedPayloadIsRejected() throws Exception {
        String genuine = tokens.sign(claims);
        String[] parts = genuine.split("\\.");
        JWTClaimsSet widened = new JWTClaimsSet.Builder(SignedJWT.parse(genuine).getJWTClaimsSet())
                .claim("access", List.of(Map.of("type", "repository", "name", "*", "actions", List.of("*"))))
                .build();
        String payload = Base64.getUrlEncoder().withoutPadding().encodeToString(widened.toString().getBytes());
        assertThat(tokens.verify(parts[0] + "." + payload + "." + parts[2], T0)).isEmpty();
    }

    @Test
    void aSignedTokenVerifiesOnlyAsItsSignerWroteIt() {
        String genuine = tokens.sign(claims);
        String base64url = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        // the signature's 64 bytes are 86 characters, the last of which carries 4 spare bits
        char spareBitFlipped = base64url.charAt(base64url.indexOf(genuine.charAt(genuine.length() - 1)) ^ 1);
        String cut = genuine.substring(0, genuine.length() - 20);
        assertThat(tokens.verify(genuine, T0)).isPresent();
        for (String respelled : List.of(" " + genuine, genuine + "\n", genuine + "==",
                cut + "!" + genuine.substring(cut.length()),
                genuine.substring(0, genuine.length() - 1) + spareBitFlipped)) {
            assertThat(tokens.verify(respelled, T0)).as(respelled).isEmpty();
        }
    }

    @Test
    void keysRotateAndOldKeysVerifyUntilTheirTokensCannotLiveAnyLonger() {
        tokens.sign(claims);
        Instant later = T0.plus(Duration.ofDays(8));
        JwtTokenService laterNode = new JwtTokenService(store, "berth", "berth-registry", Duration.ofDays(7),
                Duration.ofDays(1));
        TokenService.Claims fresh = new TokenService.Claims("alice", List.of(), later, later.plusSeconds(300), false);
        String rotated = laterNode.sign(fresh);
        assertThat(store.keys).hasSize(2);
        assertThat(laterNode.verify(rotated, later)).contains(fresh);
        // the old key is still trusted (a refresh token it signed could still be alive) ...
        TokenService.Claims longLived = new TokenService.Claims("alice", List.of(), T0, later.plusSeconds(60), true);
        assertThat(laterNode.verify(tokens.sign(longLived), later)).isPresent();
        // ... and no longer once rotation plus the longest lifetime has passed
        Instant muchLater = T0.plus(Duration.ofDays(8)).plusSeconds(1);
        assertThat(new JwtTokenService(store, "berth", "berth-registry", Duration.ofDays(7), Duration.ofDays(1))
                .verify(tokens.sign(longLived), muchLater)).isEmpty();
    }

    @Test
    void twoNodesMakingTheirFirstKeyAtOnceSignWithOneKeyAndAcceptEachOthersTokens() {
        String[] fromA = new String[1];
        // node B reads the empty store, then node A makes its key before B adds one
        SigningKeyStore racing = new SigningKeyStore() {
            private boolean raced;

            @Override
            public List<SigningKey> since(Instant since) {
                List<SigningKey> seen = store.since(since);
                if (!raced) {
                    raced = true;
                    fromA[0] = tokens.sign(claims);
                }
                return seen;
            }

            @Override
            public void add(SigningKey key) {
                store.add(key);
            }

            @Override
            public boolean addUnlessCreatedAfter(SigningKey key, Instant after) {
                return store.addUnlessCreatedAfter(key, after);
            }
        };
        JwtTokenService nodeB = new JwtTokenService(racing, "berth", "berth-registry", Duration.ofDays(7),
                Duration.ofDays(1));

        String fromB = nodeB.sign(claims);

        assertThat(store.keys).as("one key for both nodes").hasSize(1);
        assertThat(nodeB.verify(fromA[0], T0)).contains(claims);
        assertThat(tokens.verify(fromB, T0)).contains(claims);
    }

    @Test
    void aNodeAcceptsAKeyAnotherNodeMadeAMomentAfterItLoadedTheKeys() {
        Instant later = T0.plus(Duration.ofDays(8));
        JwtTokenService nodeA = new JwtTokenService(store, "berth", "berth-registry", Duration.ofDays(7),
                Duration.ofDays(1));
        JwtTokenService nodeB = new JwtTokenService(store, "berth", "berth-registry", Duration.ofDays(7),
                Duration.ofDays(1));
        TokenService.Claims fresh = new TokenService.Claims("alice", List.of(), later, later.plusSeconds(300), false);
        // A has the keys loaded (it just verified a token) when B rotates
        assertThat(nodeA.verify(nodeA.sign(claims), T0)).isPresent();
        String rotated = nodeB.sign(fresh);
        assertThat(store.keys).hasSize(2);
        assertThat(nodeA.verify(rotated, later)).as("accepted at once, not seconds later").contains(fresh);
        // a kid nobody made is still refused, after one more look
        int reads = store.reads;
        assertThat(nodeA.verify(withKid(rotated, "made-up"), later)).isEmpty();
        assertThat(store.reads).isEqualTo(reads + 1);
    }

    /** {@code token} with its header's kid replaced (its signature no longer matches, which is beside the point). */
    private static String withKid(String token, String kid) {
        String header = Base64.getUrlEncoder().withoutPadding().encodeToString(
                ("{\"kid\":\"" + kid + "\",\"typ\":\"JWT\",\"alg\":\"ES256\"}").getBytes(StandardCharsets.UTF_8));
        return header + token.substring(token.indexOf('.'));
    }

    @Test
    void bcryptHashesVerifyAndOtherFormatsAreNotSupported() {
        BcryptPasswordHasher hasher = new BcryptPasswordHasher(4);
        String hash = hasher.hash("correct horse");
        assertThat(hash).startsWith("$2y$04$");
        assertThat(hasher.verify("correct horse", hash)).isTrue();
        assertThat(hasher.verify("wrong horse", hash)).isFalse();
        // htpasswd -B writes $2y$, other tools $2a$/$2b$
        assertThat(hasher.verify("correct horse", "$2a$" + hash.substring(4))).isTrue();
        assertThat(hasher.supports("{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=")).isFalse();
        assertThat(hasher.supports("$apr1$abc$def")).isFalse();
        assertThat(hasher.verify("x", "$apr1$abc$def")).isFalse();
    }
}
