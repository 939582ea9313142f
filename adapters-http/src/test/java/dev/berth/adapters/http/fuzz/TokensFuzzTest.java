package dev.berth.adapters.http.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.berth.adapters.http.security.ExternalTokenVerifier;
import dev.berth.adapters.http.security.JwtTokenService;
import dev.berth.application.fake.InMemorySigningKeys;
import dev.berth.application.port.TokenService;
import dev.berth.domain.access.Scope;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Bearer tokens, as any client may send them, to Berth's own verifier and to an external issuer's:
 * anything but a token one of them signed is refused (an empty answer, never an exception), and so is
 * every token that differs from a signed one by a few inserted, deleted or replaced characters.
 */
class TokensFuzzTest {

    private static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");
    private static final Instant NOW = T0.plusSeconds(10);
    private static final String AUDIENCE = "berth-registry";
    private static final String ISSUER = "corp-token-server";

    private static final JwtTokenService OWN = new JwtTokenService(new InMemorySigningKeys(), "berth", AUDIENCE,
            Duration.ofDays(7), Duration.ofDays(1));
    private static final KeyPair EC = pair("EC", new ECGenParameterSpec("secp256r1"));
    private static final KeyPair RSA = pair("RSA", new RSAKeyGenParameterSpec(2048, RSAKeyGenParameterSpec.F4));
    private static final ExternalTokenVerifier EXTERNAL = new ExternalTokenVerifier(ISSUER, AUDIENCE, List.of(
            new ExternalTokenVerifier.TrustedKey(Optional.of("corp-ec"), EC.getPublic(), Optional.empty()),
            new ExternalTokenVerifier.TrustedKey(Optional.empty(), RSA.getPublic(), Optional.empty())));

    /** Berth's own; the issuer's, its key named by kid, sent along as jwk, and not named (every key tried). */
    private static final List<String> SIGNED = List.of(
            OWN.sign(new TokenService.Claims("alice", List.of(new Scope("repository", "team-a/app", Set.of("pull", "push"))),
                    T0, T0.plusSeconds(300), false)),
            external(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("corp-ec"), EC.getPrivate()),
            external(new JWSHeader.Builder(JWSAlgorithm.RS256).jwk(new RSAKey.Builder((RSAPublicKey) RSA.getPublic()).build()),
                    RSA.getPrivate()),
            external(new JWSHeader.Builder(JWSAlgorithm.PS256), RSA.getPrivate()));

    @FuzzTest(maxDuration = "10s")
    void onlyTheTokensSignedVerify(FuzzedDataProvider data) {
        String token = data.consumeBoolean() ? edited(data.pickValue(SIGNED), data) : data.consumeRemainingAsString();
        boolean verified = OWN.verify(token, NOW).isPresent() || EXTERNAL.verify(token, NOW).isPresent();
        if (verified != SIGNED.contains(token)) {
            throw new AssertionError((verified ? "a token nobody signed verifies: " : "a signed token is refused: ") + token);
        }
    }

    /** One to four characters of a signed token inserted, deleted or replaced. */
    private static String edited(String signed, FuzzedDataProvider data) {
        StringBuilder token = new StringBuilder(signed);
        for (int edits = data.consumeInt(1, 4); edits > 0; edits--) {
            int at = data.consumeInt(0, token.length() - 1);
            char c = data.consumeChar();
            switch (data.consumeInt(0, 2)) {
                case 0 -> token.insert(at, c);
                case 1 -> token.deleteCharAt(at);
                default -> token.setCharAt(at, c);
            }
        }
        return token.toString();
    }

    private static String external(JWSHeader.Builder header, PrivateKey key) {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(ISSUER).audience(AUDIENCE).subject("bob")
                .issueTime(Date.from(T0)).expirationTime(Date.from(T0.plusSeconds(300)))
                .claim("access", List.of(Map.of("type", "repository", "name", "team-b/app", "actions", List.of("pull"))))
                .build();
        SignedJWT jwt = new SignedJWT(header.build(), claims);
        try {
            jwt.sign(key instanceof ECPrivateKey ec ? new ECDSASigner(ec) : new RSASSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    private static KeyPair pair(String algorithm, AlgorithmParameterSpec spec) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
            generator.initialize(spec);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
