package dev.berth.adapters.http.security;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.berth.application.port.TokenService;
import dev.berth.domain.access.Scope;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Tokens of an external issuer: accepted when signed by a key of the certificate bundle or of the
 * JWKS, refused for every way of forging one (CVE-2025-24976 included).
 */
class ExternalTokenVerifierTest {

    private static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");
    private static final String ISSUER = "corp-token-server";
    private static final String SERVICE = "berth.corp.example";

    private static final KeyPair BUNDLE_RSA = rsa();
    private static final KeyPair BUNDLE_EC = ec();
    private static final KeyPair JWKS_RSA = rsa();
    private static final KeyPair JWKS_EC = ec();
    private static final KeyPair UNTRUSTED = ec();
    private static final X509Certificate BUNDLE_RSA_CERT = selfSigned(BUNDLE_RSA, "CN=token signer rsa", "SHA256withRSA");
    private static final X509Certificate BUNDLE_EC_CERT = selfSigned(BUNDLE_EC, "CN=token signer ec", "SHA256withECDSA");

    @TempDir
    Path work;

    private ExternalTokenVerifier verifier() throws Exception {
        Path bundle = Files.writeString(work.resolve("bundle.pem"), pem(BUNDLE_RSA_CERT) + pem(BUNDLE_EC_CERT));
        JWKSet set = new JWKSet(List.of(
                new RSAKey.Builder((RSAPublicKey) JWKS_RSA.getPublic()).keyID("jwks-rsa").build(),
                new ECKey.Builder(Curve.P_256, (ECPublicKey) JWKS_EC.getPublic()).keyID("jwks-ec").build()));
        Path jwks = Files.writeString(work.resolve("jwks.json"), set.toString());
        return new ExternalTokenVerifier(ISSUER, SERVICE, ExternalTokenVerifier.load(Optional.of(bundle), Optional.of(jwks)));
    }

    private static JWTClaimsSet.Builder claims() {
        return new JWTClaimsSet.Builder().issuer(ISSUER).subject("bob").audience(SERVICE)
                .issueTime(Date.from(NOW)).notBeforeTime(Date.from(NOW)).expirationTime(Date.from(NOW.plusSeconds(300)))
                .claim("access", List.of(Map.of("type", "repository", "name", "team-b/app", "actions", List.of("pull", "push"))));
    }

    private static String sign(JWSAlgorithm algorithm, PrivateKey key, UnaryOperator<JWSHeader.Builder> header,
                               JWTClaimsSet claims) throws Exception {
        JWSSigner signer = key instanceof RSAPrivateKey rsa ? new RSASSASigner(rsa) : new ECDSASigner((ECPrivateKey) key);
        SignedJWT jwt = new SignedJWT(header.apply(new JWSHeader.Builder(algorithm).type(JOSEObjectType.JWT)).build(), claims);
        jwt.sign(signer);
        return jwt.serialize();
    }

    private static String sign(JWSAlgorithm algorithm, PrivateKey key, UnaryOperator<JWSHeader.Builder> header)
            throws Exception {
        return sign(algorithm, key, header, claims().build());
    }

    @Test
    void rs256AndEs256TokensOfBundleKeysAreAccepted() throws Exception {
        ExternalTokenVerifier verifier = verifier();
        String kid = ExternalTokenVerifier.libtrustKeyId(BUNDLE_RSA.getPublic());
        Optional<TokenService.Claims> rsa = verifier.verify(sign(JWSAlgorithm.RS256, BUNDLE_RSA.getPrivate(),
                h -> h.keyID(kid)), NOW);
        assertThat(rsa).isPresent();
        assertThat(rsa.get().subject()).isEqualTo("bob");
        assertThat(rsa.get().external()).isTrue();
        assertThat(rsa.get().refresh()).isFalse();
        assertThat(rsa.get().access()).containsExactly(new Scope("repository", "team-b/app", Set.of("pull", "push")));
        // without a kid every trusted key is tried; with the certificate itself in x5c too
        assertThat(verifier.verify(sign(JWSAlgorithm.ES256, BUNDLE_EC.getPrivate(), h -> h), NOW)).isPresent();
        assertThat(verifier.verify(sign(JWSAlgorithm.ES256, BUNDLE_EC.getPrivate(),
                h -> h.x509CertChain(List.of(der(BUNDLE_EC_CERT)))), NOW)).isPresent();
        assertThat(verifier.verify(sign(JWSAlgorithm.PS256, BUNDLE_RSA.getPrivate(), h -> h), NOW)).isPresent();
    }

    @Test
    void rs256AndEs256TokensOfJwksKeysAreAccepted() throws Exception {
        ExternalTokenVerifier verifier = verifier();
        assertThat(verifier.verify(sign(JWSAlgorithm.RS256, JWKS_RSA.getPrivate(), h -> h.keyID("jwks-rsa")), NOW))
                .isPresent();
        assertThat(verifier.verify(sign(JWSAlgorithm.ES256, JWKS_EC.getPrivate(), h -> h.keyID("jwks-ec")), NOW))
                .isPresent();
        // a jwk header that is exactly a trusted key is fine
        assertThat(verifier.verify(sign(JWSAlgorithm.ES256, JWKS_EC.getPrivate(),
                h -> h.jwk(new ECKey.Builder(Curve.P_256, (ECPublicKey) JWKS_EC.getPublic()).build())), NOW)).isPresent();
    }

    @Test
    void aSignedTokenVerifiesOnlyAsItsIssuerWroteIt() throws Exception {
        ExternalTokenVerifier verifier = verifier();
        String genuine = sign(JWSAlgorithm.RS256, JWKS_RSA.getPrivate(), h -> h.keyID("jwks-rsa"));
        String cut = genuine.substring(0, genuine.length() - 20);
        assertThat(verifier.verify(genuine, NOW)).isPresent();
        // Nimbus alone would trim, skip the "!" and accept padding
        for (String respelled : List.of("\t" + genuine, genuine + " ", genuine + "==", cut + "!" + genuine.substring(cut.length()))) {
            assertThat(verifier.verify(respelled, NOW)).as(respelled).isEmpty();
        }
    }

    @Test
    void wrongIssuerAudienceOrTimeIsRefused() throws Exception {
        ExternalTokenVerifier verifier = verifier();
        PrivateKey key = JWKS_EC.getPrivate();
        assertThat(verifier.verify(sign(JWSAlgorithm.ES256, key, h -> h, claims().issuer("someone-else").build()), NOW))
                .isEmpty();
        assertThat(verifier.verify(sign(JWSAlgorithm.ES256, key, h -> h, claims().audience("other-registry").build()), NOW))
                .isEmpty();
        assertThat(verifier.verify(sign(JWSAlgorithm.ES256, key, h -> h, claims().audience((String) null).build()), NOW))
                .isEmpty();
        JWTClaimsSet expired = claims().expirationTime(Date.from(NOW.minus(5, ChronoUnit.MINUTES))).build();
        assertThat(verifier.verify(sign(JWSAlgorithm.ES256, key, h -> h, expired), NOW)).isEmpty();
        JWTClaimsSet noExpiry = claims().expirationTime(null).build();
        assertThat(verifier.verify(sign(JWSAlgorithm.ES256, key, h -> h, noExpiry), NOW)).isEmpty();
        JWTClaimsSet notYet = claims().notBeforeTime(Date.from(NOW.plus(5, ChronoUnit.MINUTES))).build();
        assertThat(verifier.verify(sign(JWSAlgorithm.ES256, key, h -> h, notYet), NOW)).isEmpty();
        // a small clock skew is tolerated
        JWTClaimsSet skewed = claims().notBeforeTime(Date.from(NOW.plusSeconds(30))).build();
        assertThat(verifier.verify(sign(JWSAlgorithm.ES256, key, h -> h, skewed), NOW)).isPresent();
    }

    @Test
    void algNoneAndHmacWithThePublicKeyAreRefused() throws Exception {
        ExternalTokenVerifier verifier = verifier();
        assertThat(verifier.verify(new PlainJWT(claims().build()).serialize(), NOW)).isEmpty();
        // algorithm confusion: HS256 keyed with the trusted public key's bytes
        byte[] publicBytes = BUNDLE_RSA.getPublic().getEncoded();
        SignedJWT hmac = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256)
                .keyID(ExternalTokenVerifier.libtrustKeyId(BUNDLE_RSA.getPublic())).build(), claims().build());
        hmac.sign(new MACSigner(publicBytes));
        assertThat(verifier.verify(hmac.serialize(), NOW)).isEmpty();
        byte[] pemBytes = pem(BUNDLE_RSA_CERT).getBytes();
        SignedJWT hmacPem = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).build(), claims().build());
        hmacPem.sign(new MACSigner(pemBytes));
        assertThat(verifier.verify(hmacPem.serialize(), NOW)).isEmpty();
        assertThat(verifier.verify("not.a.token", NOW)).isEmpty();
    }

    @Test
    void anUntrustedKeyIsRefusedWhateverTheHeaderClaims() throws Exception {
        ExternalTokenVerifier verifier = verifier();
        PrivateKey forger = UNTRUSTED.getPrivate();
        // a trusted kid does not make the forger's key trusted
        assertThat(verifier.verify(sign(JWSAlgorithm.ES256, forger, h -> h.keyID("jwks-ec")), NOW)).isEmpty();
        assertThat(verifier.verify(sign(JWSAlgorithm.ES256, forger,
                h -> h.keyID(ExternalTokenVerifier.libtrustKeyId(BUNDLE_EC.getPublic()))), NOW)).isEmpty();
        // nor does bringing its own key along (CVE-2025-24976), with or without a trusted kid
        ECKey own = new ECKey.Builder(Curve.P_256, (ECPublicKey) UNTRUSTED.getPublic()).build();
        assertThat(verifier.verify(sign(JWSAlgorithm.ES256, forger, h -> h.jwk(own)), NOW)).isEmpty();
        ECKey ownWithTrustedKid = new ECKey.Builder(Curve.P_256, (ECPublicKey) UNTRUSTED.getPublic()).keyID("jwks-ec").build();
        assertThat(verifier.verify(sign(JWSAlgorithm.ES256, forger, h -> h.jwk(ownWithTrustedKid).keyID("jwks-ec")), NOW))
                .isEmpty();
        // nor an unknown kid with a trusted key's signature
        assertThat(verifier.verify(sign(JWSAlgorithm.ES256, JWKS_EC.getPrivate(), h -> h.keyID("unknown")), NOW)).isEmpty();
    }

    @Test
    void anX5cChainMustBeAnchoredInTheBundle() throws Exception {
        ExternalTokenVerifier verifier = verifier();
        // a self-signed certificate of the forger's own
        X509Certificate forged = selfSigned(UNTRUSTED, "CN=token signer ec", "SHA256withECDSA");
        assertThat(verifier.verify(sign(JWSAlgorithm.ES256, UNTRUSTED.getPrivate(),
                h -> h.x509CertChain(List.of(der(forged)))), NOW)).isEmpty();
        // a forged leaf followed by the genuine bundle certificate: the leaf is not signed by it
        assertThat(verifier.verify(sign(JWSAlgorithm.ES256, UNTRUSTED.getPrivate(),
                h -> h.x509CertChain(List.of(der(forged), der(BUNDLE_EC_CERT)))), NOW)).isEmpty();
        // a leaf the bundle's certificate did sign is anchored
        KeyPair leafKeys = ec();
        X509Certificate leaf = issued(leafKeys, "CN=leaf", BUNDLE_EC, BUNDLE_EC_CERT);
        assertThat(verifier.verify(sign(JWSAlgorithm.ES256, leafKeys.getPrivate(),
                h -> h.x509CertChain(List.of(der(leaf), der(BUNDLE_EC_CERT)))), NOW)).isPresent();
        assertThat(verifier.verify(sign(JWSAlgorithm.ES256, leafKeys.getPrivate(),
                h -> h.x509CertChain(List.of(der(leaf)))), NOW)).isPresent();
    }

    @Test
    void filesWithoutUsableKeysAreRefusedAtLoad() throws Exception {
        Path empty = Files.writeString(work.resolve("empty.pem"), "no certificate here\n");
        assertThatThrownBy(() -> ExternalTokenVerifier.load(Optional.of(empty), Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("auth.token.rootcertbundle");
        Path secret = Files.writeString(work.resolve("hmac.json"),
                "{\"keys\":[{\"kty\":\"oct\",\"k\":\"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA\"}]}");
        assertThatThrownBy(() -> ExternalTokenVerifier.load(Optional.empty(), Optional.of(secret)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("auth.token.jwks");
    }

    @Test
    void libtrustKeyIdsLookLikeDistributions() {
        assertThat(ExternalTokenVerifier.libtrustKeyId(BUNDLE_EC.getPublic()))
                .matches("[A-Z2-7]{4}(:[A-Z2-7]{4}){11}");
    }

    static KeyPair rsa() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static KeyPair ec() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static X509Certificate selfSigned(KeyPair keys, String subject, String algorithm) {
        return certificate(keys, subject, keys, subject, algorithm, true);
    }

    private static X509Certificate issued(KeyPair keys, String subject, KeyPair issuerKeys, X509Certificate issuer) {
        return certificate(keys, subject, issuerKeys, issuer.getSubjectX500Principal().getName(), "SHA256withECDSA", false);
    }

    private static X509Certificate certificate(KeyPair keys, String subject, KeyPair issuerKeys, String issuer,
                                               String algorithm, boolean ca) {
        try {
            var builder = new JcaX509v3CertificateBuilder(new X500Name(issuer), BigInteger.valueOf(System.nanoTime()),
                    Date.from(NOW.minus(1, ChronoUnit.DAYS)), Date.from(NOW.plus(365, ChronoUnit.DAYS)),
                    new X500Name(subject), keys.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            return new JcaX509CertificateConverter().getCertificate(builder.build(
                    new JcaContentSignerBuilder(algorithm).build(issuerKeys.getPrivate())));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String pem(X509Certificate certificate) throws Exception {
        return "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(certificate.getEncoded())
                + "\n-----END CERTIFICATE-----\n";
    }

    private static com.nimbusds.jose.util.Base64 der(X509Certificate certificate) {
        try {
            return com.nimbusds.jose.util.Base64.encode(certificate.getEncoded());
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }
}
