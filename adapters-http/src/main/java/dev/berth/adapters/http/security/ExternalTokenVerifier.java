package dev.berth.adapters.http.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.AsymmetricJWK;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.Base64;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.berth.application.port.TokenService;
import org.bouncycastle.util.encoders.Base32;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.cert.CertPathValidator;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Verifies tokens of an external token server (a corporate one, Harbor's, GitLab's), as
 * Distribution does with {@code auth.token.rootcertbundle} and {@code auth.token.jwks}: the token
 * must come from {@code issuer}, be for {@code audience}, be within {@code exp}/{@code nbf} (with
 * {@link #CLOCK_SKEW}), use an asymmetric algorithm ({@link #ALGORITHMS}: never {@code none}, never
 * HMAC) and carry a signature by a trusted key.
 *
 * <p>A key is never taken from the token (CVE-2025-24976): a {@code jwk} header is accepted only when
 * that exact public key (its encoded bytes) is a trusted key, an {@code x5c} chain only when its leaf's
 * key is a trusted key or the chain validates (PKIX) up to a certificate of the bundle, and a
 * {@code kid} only selects among the trusted keys. Without any of them every trusted key is tried.
 *
 * <p>The trusted keys are those of the files read at start and, with a JWKS URL ({@link RemoteJwks}),
 * those last fetched from it: a token naming a {@code kid} they lack (or any token, while none has
 * been fetched yet) makes it fetch again, rate-limited, before the token is refused.
 */
public final class ExternalTokenVerifier {

    /** As Distribution: issuers' clocks are not Berth's. */
    static final Duration CLOCK_SKEW = Duration.ofSeconds(60);
    static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
            JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512,
            JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512);

    /**
     * A key trusted to sign tokens.
     *
     * @param kid    the key id a token may name it by: the JWKS's {@code kid}, or for a certificate of
     *               the bundle the libtrust key id Distribution's token servers use
     * @param anchor the bundle's certificate, when the key came from one
     */
    public record TrustedKey(Optional<String> kid, PublicKey key, Optional<X509Certificate> anchor) {
    }

    private final String issuer;
    private final String audience;
    private final List<TrustedKey> files;
    private final Optional<RemoteJwks> remote;

    public ExternalTokenVerifier(String issuer, String audience, List<TrustedKey> keys) {
        this(issuer, audience, keys, Optional.empty());
    }

    /**
     * @param files  the keys of the bundle and the JWKS file
     * @param remote the JWKS URL's keys, fetched when needed
     */
    public ExternalTokenVerifier(String issuer, String audience, List<TrustedKey> files, Optional<RemoteJwks> remote) {
        if (files.isEmpty() && remote.isEmpty()) {
            throw new IllegalArgumentException("no trusted keys for tokens of " + issuer);
        }
        this.issuer = issuer;
        this.audience = audience;
        this.files = List.copyOf(files);
        this.remote = remote;
    }

    /**
     * The keys of a PEM certificate bundle and of a JWKS file (either may be absent).
     *
     * @throws IllegalArgumentException naming the file that cannot be read or holds no usable key
     */
    public static List<TrustedKey> load(Optional<Path> rootCertBundle, Optional<Path> jwks) {
        List<TrustedKey> keys = new ArrayList<>();
        rootCertBundle.ifPresent(file -> keys.addAll(certificates(file)));
        jwks.ifPresent(file -> keys.addAll(jwks(file)));
        return keys;
    }

    static List<TrustedKey> certificates(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            List<TrustedKey> keys = new ArrayList<>();
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                X509Certificate x509 = (X509Certificate) certificate;
                keys.add(new TrustedKey(Optional.of(libtrustKeyId(x509.getPublicKey())), x509.getPublicKey(),
                        Optional.of(x509)));
            }
            if (keys.isEmpty()) {
                throw new IllegalArgumentException("auth.token.rootcertbundle: " + file + " holds no PEM certificate");
            }
            return keys;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("auth.token.rootcertbundle: " + file + " cannot be read as PEM certificates: "
                    + e.getMessage(), e);
        }
    }

    static List<TrustedKey> jwks(Path file) {
        try {
            return jwks(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        } catch (IOException e) {
            throw new IllegalArgumentException("auth.token.jwks: " + file + " cannot be read as a JWK set: "
                    + e.getMessage(), e);
        }
    }

    /**
     * The RSA and EC public keys of a JWK set.
     *
     * @param source the file or URL it came from, for the message
     * @throws IllegalArgumentException when it is no JWK set or holds no such key
     */
    static List<TrustedKey> jwks(String json, String source) {
        try {
            JWKSet set = JWKSet.parse(json);
            List<TrustedKey> keys = new ArrayList<>();
            for (JWK jwk : set.getKeys()) {
                // symmetric keys are never trusted: an HMAC "signature" is made with a shared secret
                if (jwk instanceof AsymmetricJWK asymmetric) {
                    keys.add(new TrustedKey(Optional.ofNullable(jwk.getKeyID()), asymmetric.toPublicKey(), Optional.empty()));
                }
            }
            if (keys.isEmpty()) {
                throw new IllegalArgumentException("auth.token.jwks: " + source + " holds no RSA or EC public key");
            }
            return keys;
        } catch (ParseException | JOSEException e) {
            throw new IllegalArgumentException("auth.token.jwks: " + source + " cannot be read as a JWK set: "
                    + e.getMessage(), e);
        }
    }

    /** Distribution's (libtrust's) key id: SHA-256 of the DER public key, 240 bits, base32 in groups of four. */
    public static String libtrustKeyId(PublicKey key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
            String base32 = Base32.toBase32String(Arrays.copyOf(digest, 30));
            StringBuilder id = new StringBuilder();
            for (int i = 0; i < base32.length(); i += 4) {
                if (i > 0) {
                    id.append(':');
                }
                id.append(base32, i, Math.min(i + 4, base32.length()));
            }
            return id.toString();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return the token's claims, marked external; empty for anything not signed as described above */
    public Optional<TokenService.Claims> verify(String token, Instant now) {
        Optional<SignedJWT> parsed = JwtTokenService.parseExactly(token);
        if (parsed.isEmpty()) {
            return Optional.empty();
        }
        SignedJWT jwt = parsed.get();
        JWSHeader header = jwt.getHeader();
        if (!ALGORITHMS.contains(header.getAlgorithm()) || header.getCriticalParams() != null) {
            return Optional.empty();
        }
        Optional<TokenService.Claims> claims;
        try {
            // the claims first: an expired token or one for another service never makes Berth fetch keys
            claims = claims(jwt.getJWTClaimsSet(), now);
        } catch (ParseException | RuntimeException e) {
            return Optional.empty();
        }
        if (claims.isEmpty()) {
            return claims;
        }
        List<TrustedKey> keys = keys();
        if (remote.isPresent() && unknownKey(header, keys)) {
            remote.get().refreshForToken();
            keys = keys();
        }
        for (PublicKey key : candidates(header, now, keys)) {
            if (signedBy(jwt, key)) {
                return claims;
            }
        }
        return Optional.empty();
    }

    private List<TrustedKey> keys() {
        if (remote.isEmpty()) {
            return files;
        }
        List<TrustedKey> keys = new ArrayList<>(files);
        keys.addAll(remote.get().keys());
        return keys;
    }

    /** Worth fetching the JWKS URL again for: a kid no trusted key has, or nothing fetched yet. */
    private boolean unknownKey(JWSHeader header, List<TrustedKey> keys) {
        String kid = header.getKeyID();
        return remote.orElseThrow().keys().isEmpty()
                || (kid != null && keys.stream().noneMatch(k -> k.kid().filter(kid::equals).isPresent()));
    }

    /** The trusted keys the header may mean; never a key only the token vouches for. */
    private List<PublicKey> candidates(JWSHeader header, Instant now, List<TrustedKey> keys) {
        if (header.getX509CertChain() != null) {
            return anchoredLeaf(header.getX509CertChain(), now, keys).map(List::of).orElse(List.of());
        }
        if (header.getJWK() != null) {
            try {
                PublicKey offered = header.getJWK() instanceof AsymmetricJWK a ? a.toPublicKey() : null;
                return offered == null ? List.of() : trusted(offered, keys).map(List::of).orElse(List.of());
            } catch (JOSEException | RuntimeException e) {
                return List.of();
            }
        }
        if (header.getKeyID() != null) {
            return keys.stream().filter(k -> k.kid().filter(header.getKeyID()::equals).isPresent())
                    .map(TrustedKey::key).toList();
        }
        return keys.stream().map(TrustedKey::key).toList();
    }

    /** The trusted key whose encoded bytes are exactly {@code offered}'s. */
    private static Optional<PublicKey> trusted(PublicKey offered, List<TrustedKey> keys) {
        byte[] encoded = offered.getEncoded();
        return keys.stream().map(TrustedKey::key).filter(k -> MessageDigest.isEqual(k.getEncoded(), encoded)).findFirst();
    }

    /** The leaf's key, when the leaf's key is trusted or the chain validates up to a bundle certificate. */
    private static Optional<PublicKey> anchoredLeaf(List<Base64> chain, Instant now, List<TrustedKey> keys) {
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            List<X509Certificate> certificates = new ArrayList<>();
            for (Base64 der : chain) {
                certificates.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der.decode())));
            }
            if (certificates.isEmpty()) {
                return Optional.empty();
            }
            X509Certificate leaf = certificates.getFirst();
            Optional<PublicKey> trusted = trusted(leaf.getPublicKey(), keys);
            if (trusted.isPresent()) {
                return trusted;
            }
            Set<TrustAnchor> anchors = new HashSet<>();
            keys.forEach(k -> k.anchor().ifPresent(c -> anchors.add(new TrustAnchor(c, null))));
            if (anchors.isEmpty()) {
                return Optional.empty();
            }
            PKIXParameters parameters = new PKIXParameters(anchors);
            parameters.setRevocationEnabled(false);
            parameters.setDate(Date.from(now));
            // the chain as sent, without a certificate that is itself an anchor (PKIX wants it left out)
            List<X509Certificate> path = certificates.stream()
                    .filter(c -> anchors.stream().noneMatch(a -> a.getTrustedCert().equals(c))).toList();
            CertPathValidator.getInstance("PKIX").validate(factory.generateCertPath(path), parameters);
            return Optional.of(leaf.getPublicKey());
        } catch (GeneralSecurityException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static boolean signedBy(SignedJWT jwt, PublicKey key) {
        try {
            JWSVerifier verifier;
            if (key instanceof RSAPublicKey rsa && jwt.getHeader().getAlgorithm().getName().matches("(RS|PS)\\d+")) {
                verifier = new RSASSAVerifier(rsa);
            } else if (key instanceof ECPublicKey ec && jwt.getHeader().getAlgorithm().getName().startsWith("ES")) {
                verifier = new ECDSAVerifier(ec);
            } else {
                return false;
            }
            return jwt.verify(verifier);
        } catch (JOSEException | RuntimeException e) {
            return false;
        }
    }

    private Optional<TokenService.Claims> claims(JWTClaimsSet set, Instant now) throws ParseException {
        Date expires = set.getExpirationTime();
        Date notBefore = set.getNotBeforeTime();
        if (!issuer.equals(set.getIssuer()) || set.getAudience() == null || !set.getAudience().contains(audience)
                || expires == null || !now.isBefore(expires.toInstant().plus(CLOCK_SKEW))
                || (notBefore != null && now.plus(CLOCK_SKEW).isBefore(notBefore.toInstant()))) {
            return Optional.empty();
        }
        Instant issued = set.getIssueTime() != null ? set.getIssueTime().toInstant()
                : notBefore != null ? notBefore.toInstant() : now;
        String subject = set.getSubject() == null ? "" : set.getSubject();
        return Optional.of(new TokenService.Claims(subject, JwtTokenService.access(set), issued, expires.toInstant(),
                false, true));
    }
}
