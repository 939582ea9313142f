package dev.berth.adapters.http.security;

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
import dev.berth.adapters.http.testserver.JwksServer;
import dev.berth.application.fake.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The keys of a JWKS URL, served over HTTPS on loopback by a certificate of a test authority:
 * fetched at start, fetched again for an unknown kid at most once a minute, kept when a fetch fails,
 * refreshed when old, and only from a server whose certificate Berth trusts.
 */
class RemoteJwksTest {

    private static final String ISSUER = "corp-token-server";
    private static final String SERVICE = "berth.corp.example";
    private static final KeyPair FIRST = ec();
    private static final KeyPair SECOND = ec();
    private static final KeyPair THIRD = ec();

    @TempDir
    Path work;

    private final MutableClock clock = new MutableClock(Instant.now());
    private final List<LogRecord> logged = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private final Logger log = Logger.getLogger(RemoteJwks.class.getName());
    private JwksServer issuer;

    @BeforeEach
    void start() {
        issuer = JwksServer.start(jwks(Map.of("k1", FIRST)));
        log.addHandler(capture);
    }

    @AfterEach
    void stop() {
        log.removeHandler(capture);
        issuer.close();
    }

    private RemoteJwks remote() throws Exception {
        Path ca = Files.writeString(work.resolve("issuer-ca.pem"), issuer.caPem());
        // background refreshes run at once, so that the test sees their effect
        return new RemoteJwks(issuer.url(), Optional.of(ca), clock, Runnable::run);
    }

    private ExternalTokenVerifier verifier(RemoteJwks remote) {
        return new ExternalTokenVerifier(ISSUER, SERVICE, List.of(), Optional.of(remote));
    }

    private boolean accepted(ExternalTokenVerifier verifier, KeyPair keys, String kid) throws Exception {
        return verifier.verify(token(keys, kid), clock.instant()).isPresent();
    }

    @Test
    void keysAreFetchedAtStartAndAgainForAnUnknownKidAtMostOnceAMinute() throws Exception {
        RemoteJwks remote = remote();
        ExternalTokenVerifier verifier = verifier(remote);
        remote.start();
        assertThat(issuer.requests()).isEqualTo(1);
        assertThat(accepted(verifier, FIRST, "k1")).isTrue();
        assertThat(accepted(verifier, FIRST, null)).as("without a kid every key is tried").isTrue();
        assertThat(issuer.requests()).as("cached").isEqualTo(1);

        // the issuer rotates: a token naming the new kid makes Berth fetch again
        issuer.publish(jwks(Map.of("k2", SECOND)));
        assertThat(accepted(verifier, SECOND, "k2")).isTrue();
        assertThat(issuer.requests()).isEqualTo(2);
        assertThat(accepted(verifier, FIRST, "k1")).as("withdrawn by the issuer").isFalse();

        // a rotation within the minute waits, and no flood of unknown kids makes Berth ask more often
        issuer.publish(jwks(Map.of("k2", SECOND, "k3", THIRD)));
        assertThat(accepted(verifier, THIRD, "k3")).isFalse();
        for (int i = 0; i < 50; i++) {
            assertThat(accepted(verifier, FIRST, "bogus-" + i)).isFalse();
        }
        assertThat(issuer.requests()).isEqualTo(2);
        clock.advance(RemoteJwks.MIN_INTERVAL);
        assertThat(accepted(verifier, THIRD, "k3")).isTrue();
        assertThat(issuer.requests()).isEqualTo(3);
        assertThat(accepted(verifier, SECOND, "k2")).isTrue();
    }

    @Test
    void aFailedFetchKeepsTheLastGoodKeysAndIsLoggedOnce() throws Exception {
        RemoteJwks remote = remote();
        ExternalTokenVerifier verifier = verifier(remote);
        remote.start();
        issuer.fail(503);
        for (int i = 0; i < 3; i++) {
            clock.advance(RemoteJwks.MIN_INTERVAL);
            assertThat(accepted(verifier, SECOND, "k2")).isFalse();
        }
        assertThat(issuer.requests()).isEqualTo(4);
        assertThat(accepted(verifier, FIRST, "k1")).isTrue();
        issuer.publish("{\"keys\":[]}");
        clock.advance(RemoteJwks.MIN_INTERVAL);
        assertThat(accepted(verifier, SECOND, "k2")).as("a set without usable keys replaces nothing").isFalse();
        assertThat(accepted(verifier, FIRST, "k1")).isTrue();
        issuer.publish("x".repeat(RemoteJwks.MAX_BYTES + 1));
        clock.advance(RemoteJwks.MIN_INTERVAL);
        assertThat(accepted(verifier, SECOND, "k2")).as("larger than 1 MiB").isFalse();
        assertThat(accepted(verifier, FIRST, "k1")).isTrue();
        assertThat(issuer.requests()).isEqualTo(6);

        assertThat(logged).filteredOn(r -> r.getLevel() == Level.WARNING).hasSize(1)
                .allSatisfy(r -> assertThat(r.getMessage()).contains(issuer.url().toString(), "HTTP 503",
                        "key(s) fetched before stay trusted"));
        assertThat(logged).allSatisfy(r -> assertThat(r.getMessage()).doesNotContain("eyJ"));
        issuer.publish(jwks(Map.of("k1", FIRST, "k2", SECOND)));
        clock.advance(RemoteJwks.MIN_INTERVAL);
        assertThat(accepted(verifier, SECOND, "k2")).isTrue();
        assertThat(logged.getLast().getLevel()).isEqualTo(Level.INFO);
    }

    @Test
    void anIssuerUnreachableAtStartIsAskedAgainByTheFirstToken() throws Exception {
        issuer.fail(503);
        RemoteJwks remote = remote();
        ExternalTokenVerifier verifier = verifier(remote);
        remote.start();
        assertThat(remote.keys()).isEmpty();
        issuer.publish(jwks(Map.of("k1", FIRST)));
        // no kid at all: with no keys known yet any token is worth a fetch
        assertThat(accepted(verifier, FIRST, null)).isTrue();
        assertThat(issuer.requests()).isEqualTo(2);
    }

    @Test
    void keysOlderThanTheirMaximumAgeAreFetchedAgain() throws Exception {
        RemoteJwks remote = remote();
        ExternalTokenVerifier verifier = verifier(remote);
        remote.start();
        issuer.publish(jwks(Map.of("k2", SECOND)));
        clock.advance(RemoteJwks.MAX_AGE.minus(Duration.ofSeconds(1)));
        assertThat(accepted(verifier, FIRST, "k1")).isTrue();
        assertThat(issuer.requests()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(2));
        remote.keys();
        assertThat(issuer.requests()).isEqualTo(2);
        assertThat(accepted(verifier, FIRST, "k1")).as("the issuer withdrew it").isFalse();
    }

    @Test
    void onlyAServerWhoseCertificateIsTrustedIsBelieved() throws Exception {
        // the JVM's authorities alone do not know the test authority
        RemoteJwks untrusted = new RemoteJwks(issuer.url(), Optional.empty(), clock, Runnable::run);
        untrusted.start();
        assertThat(untrusted.keys()).isEmpty();
        assertThat(accepted(verifier(untrusted), FIRST, "k1")).isFalse();
        try (JwksServer other = JwksServer.start(jwks(Map.of("k1", FIRST)))) {
            Path otherCa = Files.writeString(work.resolve("other-ca.pem"), other.caPem());
            RemoteJwks wrongAuthority = new RemoteJwks(issuer.url(), Optional.of(otherCa), clock, Runnable::run);
            wrongAuthority.start();
            assertThat(wrongAuthority.keys()).isEmpty();
        }
        assertThat(logged).anyMatch(r -> r.getMessage().contains("its tokens are refused until a fetch succeeds"));
        assertThatThrownBy(() -> new RemoteJwks(java.net.URI.create("ftp://127.0.0.1/jwks"), Optional.empty(), clock))
                .isInstanceOf(IllegalArgumentException.class);
        Path notPem = Files.writeString(work.resolve("not.pem"), "not a certificate");
        assertThatThrownBy(() -> new RemoteJwks(issuer.url(), Optional.of(notPem), clock))
                .hasMessageContaining("auth.token.jwkscabundle");
    }

    private static String jwks(Map<String, KeyPair> keys) {
        List<JWK> set = keys.entrySet().stream().<JWK>map(e -> new ECKey.Builder(Curve.P_256,
                (ECPublicKey) e.getValue().getPublic()).keyID(e.getKey()).build()).toList();
        return new JWKSet(set).toString();
    }

    private String token(KeyPair keys, String kid) throws Exception {
        Instant now = clock.instant();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(ISSUER).subject("bob").audience(SERVICE)
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300)))
                .claim("access", List.of(Map.of("type", "repository", "name", "team-b/app",
                        "actions", Arrays.asList("pull")))).build();
        JWSHeader.Builder header = new JWSHeader.Builder(JWSAlgorithm.ES256).type(JOSEObjectType.JWT);
        SignedJWT jwt = new SignedJWT((kid == null ? header : header.keyID(kid)).build(), claims);
        jwt.sign(new ECDSASigner((ECPrivateKey) keys.getPrivate()));
        return jwt.serialize();
    }

    private static KeyPair ec() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
