package dev.berth.adapters.http.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.berth.application.port.SigningKeyStore;
import dev.berth.application.port.TokenService;
import dev.berth.domain.access.Scope;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Berth's tokens: JWS compact, ES256 (P-256), with the Docker token specification's claims
 * ({@code iss}, {@code sub}, {@code aud}, {@code exp}, {@code nbf}, {@code iat}, {@code jti},
 * {@code access}). The keys live in the {@link SigningKeyStore} so every node signs and verifies
 * alike. The newest key signs for {@code rotation}; then a new one is made, and the older keys keep
 * verifying as long as a token they signed can live. Verification uses only the stored public key
 * named by {@code kid}: a key or algorithm the token brings along in its header is never trusted.
 */
public final class JwtTokenService implements TokenService {

    public static final String ALGORITHM = "ES256";
    private static final Duration CLOCK_SKEW = Duration.ofSeconds(10);
    /** JWS compact serialization: three base64url parts without padding. */
    private static final Pattern COMPACT = Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");

    private record LoadedKey(String kid, Instant createdAt, ECPrivateKey privateKey, ECPublicKey publicKey) {
    }

    private final SigningKeyStore store;
    private final String issuer;
    private final String audience;
    private final Duration rotation;
    private final Duration longestLifetime;
    private volatile List<LoadedKey> keys = List.of();
    /** Counts the reloads: a verification that saw an unknown kid reloads only if nobody did since it looked. */
    private volatile long loads;

    /**
     * @param audience        the service name tokens are for (the {@code service} of the challenge)
     * @param longestLifetime the longest a token (access or refresh) lives: keys verify that long after rotation
     */
    public JwtTokenService(SigningKeyStore store, String issuer, String audience, Duration rotation,
                           Duration longestLifetime) {
        this.store = store;
        this.issuer = issuer;
        this.audience = audience;
        this.rotation = rotation;
        this.longestLifetime = longestLifetime;
    }

    @Override
    public String sign(Claims claims) {
        LoadedKey key = signingKey(claims.issuedAt());
        List<Map<String, Object>> access = new ArrayList<>();
        for (Scope scope : claims.access()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("type", scope.type());
            entry.put("name", scope.name());
            entry.put("actions", scope.actions().stream().sorted().toList());
            access.add(entry);
        }
        JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .subject(claims.subject())
                .audience(audience)
                .issueTime(Date.from(claims.issuedAt()))
                .notBeforeTime(Date.from(claims.issuedAt()))
                .expirationTime(Date.from(claims.expiresAt()))
                .jwtID(UUID.randomUUID().toString())
                .claim("access", access)
                .claim("berth_use", claims.refresh() ? "refresh" : "access");
        claims.robot().ifPresent(robot -> builder.claim("berth_robot", robot.toString()));
        if (claims.credentialStamp() != Claims.NO_STAMP) {
            builder.claim("berth_stamp", claims.credentialStamp());
        }
        JWTClaimsSet set = builder.build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.kid())
                .type(JOSEObjectType.JWT).build(), set);
        try {
            jwt.sign(new ECDSASigner(key.privateKey()));
        } catch (JOSEException e) {
            throw new IllegalStateException("signing a token failed", e);
        }
        return jwt.serialize();
    }

    @Override
    public Optional<Claims> verify(String token, Instant now) {
        Optional<SignedJWT> parsed = parseExactly(token);
        if (parsed.isEmpty()) {
            return Optional.empty();
        }
        SignedJWT jwt = parsed.get();
        JWSHeader header = jwt.getHeader();
        if (!JWSAlgorithm.ES256.equals(header.getAlgorithm()) || header.getKeyID() == null
                || header.getCriticalParams() != null) {
            return Optional.empty();
        }
        Optional<LoadedKey> key = verificationKey(header.getKeyID(), now);
        if (key.isEmpty()) {
            return Optional.empty();
        }
        try {
            if (!jwt.verify(new ECDSAVerifier(key.get().publicKey()))) {
                return Optional.empty();
            }
            return claims(jwt.getJWTClaimsSet(), now);
        } catch (JOSEException | ParseException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private Optional<Claims> claims(JWTClaimsSet set, Instant now) throws ParseException {
        Date expires = set.getExpirationTime();
        Date notBefore = set.getNotBeforeTime();
        Date issued = set.getIssueTime();
        if (!issuer.equals(set.getIssuer()) || set.getAudience() == null || !set.getAudience().contains(audience)
                || expires == null || !now.isBefore(expires.toInstant().plus(CLOCK_SKEW))
                || (notBefore != null && now.plus(CLOCK_SKEW).isBefore(notBefore.toInstant()))
                || set.getSubject() == null || issued == null) {
            return Optional.empty();
        }
        String use = set.getStringClaim("berth_use");
        if (!"access".equals(use) && !"refresh".equals(use)) {
            return Optional.empty();
        }
        String robot = set.getStringClaim("berth_robot");
        Long stamp = set.getLongClaim("berth_stamp");
        return Optional.of(new Claims(set.getSubject(), access(set), issued.toInstant(), expires.toInstant(),
                "refresh".equals(use), false, Optional.ofNullable(robot).map(UUID::fromString),
                stamp == null ? Claims.NO_STAMP : stamp));
    }

    /**
     * The token as a JWS in compact form, exactly as its signer wrote it; empty for anything else,
     * {@code "alg": "none"} included. Nimbus trims the text, skips characters outside base64url and
     * ignores the spare bits of a part's last character: without these checks a signed token would
     * have many spellings that verify.
     */
    static Optional<SignedJWT> parseExactly(String token) {
        if (token == null || !COMPACT.matcher(token).matches()) {
            return Optional.empty();
        }
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            String signature = jwt.getSignature().toString();
            return Base64URL.encode(jwt.getSignature().decode()).toString().equals(signature)
                    ? Optional.of(jwt) : Optional.empty();
        } catch (ParseException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The Docker token specification's {@code access} claim; malformed entries grant nothing. */
    static List<Scope> access(JWTClaimsSet set) throws ParseException {
        List<Scope> access = new ArrayList<>();
        List<Object> entries = set.getListClaim("access");
        if (entries != null) {
            for (Object entry : entries) {
                if (entry instanceof Map<?, ?> map && map.get("type") instanceof String type
                        && map.get("name") instanceof String name && map.get("actions") instanceof List<?> actions) {
                    access.add(new Scope(type, name, new HashSet<>(actions.stream().map(String::valueOf).toList())));
                }
            }
        }
        return access;
    }

    private LoadedKey signingKey(Instant now) {
        Instant freshAfter = now.minus(rotation);
        List<LoadedKey> current = keys;
        if (!current.isEmpty() && current.getFirst().createdAt().isAfter(freshAfter)) {
            return current.getFirst();
        }
        synchronized (this) {
            current = reload(now);
            if (!current.isEmpty() && current.getFirst().createdAt().isAfter(freshAfter)) {
                return current.getFirst();
            }
            // one new key across nodes: a node rotating at the same time may have made it since the reload
            store.addUnlessCreatedAfter(generate(now), freshAfter);
            current = reload(now);
            if (!current.isEmpty() && current.getFirst().createdAt().isAfter(freshAfter)) {
                return current.getFirst();
            }
            // the fresh key is sealed with another secrets key (a misconfigured node): this node makes its own
            store.add(generate(now));
            return reload(now).getFirst();
        }
    }

    /**
     * The key named {@code kid}. A kid this node has not loaded may be another node's new key (made a
     * moment ago, at rotation): the keys are read again once before the token is refused. Verifications
     * waiting at once share one read, so a flood of made-up kids costs at most one small query (the
     * keys of the last rotation period plus a token's lifetime) per reload, never one per request
     * waiting.
     */
    private Optional<LoadedKey> verificationKey(String kid, Instant now) {
        long seen = loads;
        Optional<LoadedKey> key = find(keys, kid, now);
        if (key.isEmpty()) {
            synchronized (this) {
                key = find(loads == seen ? reload(now) : keys, kid, now);
            }
        }
        return key;
    }

    private Optional<LoadedKey> find(List<LoadedKey> loaded, String kid, Instant now) {
        Instant oldestTrusted = now.minus(rotation).minus(longestLifetime);
        return loaded.stream().filter(k -> k.kid().equals(kid) && !k.createdAt().isBefore(oldestTrusted)).findFirst();
    }

    private List<LoadedKey> reload(Instant now) {
        List<LoadedKey> loaded = new ArrayList<>();
        for (SigningKeyStore.SigningKey key : store.since(now.minus(rotation).minus(longestLifetime))) {
            if (ALGORITHM.equals(key.algorithm())) {
                loaded.add(load(key));
            }
        }
        keys = List.copyOf(loaded);
        loads++;
        return keys;
    }

    private static LoadedKey load(SigningKeyStore.SigningKey key) {
        try {
            KeyFactory factory = KeyFactory.getInstance("EC");
            return new LoadedKey(key.kid(), key.createdAt(),
                    (ECPrivateKey) factory.generatePrivate(new PKCS8EncodedKeySpec(key.privateKey())),
                    (ECPublicKey) factory.generatePublic(new X509EncodedKeySpec(key.publicKey())));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("signing key " + key.kid() + " cannot be read", e);
        }
    }

    /** A new P-256 key; its kid is derived from the public key. */
    static SigningKeyStore.SigningKey generate(Instant now) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = generator.generateKeyPair();
            byte[] publicKey = pair.getPublic().getEncoded();
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(publicKey);
            String kid = Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 15));
            return new SigningKeyStore.SigningKey(kid, ALGORITHM, pair.getPrivate().getEncoded(), publicKey, now);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("generating a signing key failed", e);
        }
    }
}
