package dev.berth.domain.manifest;

import dev.berth.domain.error.Excerpt;
import dev.berth.domain.error.ManifestInvalidException;
import dev.berth.domain.error.ManifestUnverifiedException;
import dev.berth.domain.json.GoJson;
import dev.berth.domain.json.Json;
import dev.berth.domain.json.JsonArray;
import dev.berth.domain.json.JsonNumber;
import dev.berth.domain.json.JsonObject;
import dev.berth.domain.json.JsonString;
import dev.berth.domain.json.JsonSyntaxException;
import dev.berth.domain.json.JsonValue;

import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Docker's libtrust "pretty" JSON Web Signatures, which sign schema 1 manifests: the manifest JSON
 * with a {@code signatures} array spliced in before its closing brace. Each signature's protected
 * header names {@code formatLength} and {@code formatTail}; the signed payload is the body's first
 * {@code formatLength} bytes plus the decoded tail, i.e. the manifest as it was before signing. The
 * JWS signing input is {@code protected + "." + base64url(payload)}; the key is the header's
 * {@code jwk} (EC P-256/P-384/P-521 or RSA) or the first {@code x5c} certificate's.
 *
 * <p>As Distribution (libtrust's {@code ParsePrettySignature} then {@code Verify}): a malformed
 * signature block is {@code MANIFEST_INVALID}; a signature that does not verify, with an algorithm
 * the key does not use or without a usable key, is {@code MANIFEST_UNVERIFIED}.
 */
public final class LibtrustSignatures {

    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder BASE64URL_DECODER = Base64.getUrlDecoder();
    private static final String BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private static final DateTimeFormatter RFC3339_SECONDS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss'Z'")
            .withZone(ZoneOffset.UTC);

    private enum Curve {
        P256("P-256", "secp256r1", 32, "ES256", "SHA256withECDSAinP1363Format"),
        P384("P-384", "secp384r1", 48, "ES384", "SHA384withECDSAinP1363Format"),
        P521("P-521", "secp521r1", 66, "ES512", "SHA512withECDSAinP1363Format");

        final String jwkName;
        final String jcaName;
        final int octets;
        final String algorithm;
        final String jcaSignature;

        Curve(String jwkName, String jcaName, int octets, String algorithm, String jcaSignature) {
            this.jwkName = jwkName;
            this.jcaName = jcaName;
            this.octets = octets;
            this.algorithm = algorithm;
            this.jcaSignature = jcaSignature;
        }

        static Curve of(ECPublicKey key) {
            int octets = (key.getParams().getCurve().getField().getFieldSize() + 7) / 8;
            return Arrays.stream(values()).filter(c -> c.octets == octets).findFirst()
                    .orElseThrow(() -> new ManifestUnverifiedException("unsupported elliptic curve"));
        }
    }

    private static final Map<String, String> RSA_SIGNATURES = Map.of(
            "RS256", "SHA256withRSA", "RS384", "SHA384withRSA", "RS512", "SHA512withRSA");

    /** One signature block, its parts as written. */
    private record Block(String protectedHeader, String algorithm, JsonObject jwk, List<String> chain,
                         byte[] signature) {
    }

    private LibtrustSignatures() {
    }

    /**
     * The signature blocks of a signed body and the payload they sign (the manifest without them),
     * read but not yet verified: a malformed manifest is reported before a bad signature, as by
     * Distribution.
     *
     * @param body the exact bytes pushed
     * @param root {@code body} parsed
     * @throws ManifestInvalidException when there is no signature or a signature block is malformed
     */
    public static Signed read(byte[] body, JsonObject root) {
        if (!(root.get("signatures") instanceof JsonArray array)) {
            throw new ManifestInvalidException(root.get("signatures") == null ? "signatures are required"
                    : "signatures must be an array");
        }
        if (array.elements().isEmpty()) {
            throw new ManifestInvalidException("signatures must not be empty");
        }
        List<Block> blocks = new ArrayList<>();
        Long formatLength = null;
        byte[] formatTail = null;
        for (int i = 0; i < array.elements().size(); i++) {
            String path = "signatures[" + i + "]";
            if (!(array.elements().get(i) instanceof JsonObject block)) {
                throw new ManifestInvalidException(path + " must be an object");
            }
            Block parsed = block(block, path);
            JsonObject header = protectedHeader(parsed.protectedHeader(), path);
            long length = header.get("formatLength") instanceof JsonNumber n ? n.asExactLong().orElse(-1) : -1;
            if (length < 0 || length > body.length) {
                throw new ManifestInvalidException(path + ".protected: formatLength is missing or out of range");
            }
            if (!(header.get("formatTail") instanceof JsonString tail)) {
                throw new ManifestInvalidException(path + ".protected: formatTail is required");
            }
            byte[] tailBytes = base64url(tail.value(), path + ".protected.formatTail");
            if (formatLength != null && (formatLength != length || !Arrays.equals(formatTail, tailBytes))) {
                throw new ManifestInvalidException(path + ".protected: conflicting formatLength or formatTail");
            }
            formatLength = length;
            formatTail = tailBytes;
            blocks.add(parsed);
        }
        int length = Math.toIntExact(formatLength);
        byte[] payload = Arrays.copyOf(body, length + formatTail.length);
        System.arraycopy(formatTail, 0, payload, length, formatTail.length);
        return new Signed(payload, blocks);
    }

    /** A signed body's payload and signatures, as {@link #read} found them. */
    public static final class Signed {

        private final byte[] payload;
        private final List<Block> blocks;

        private Signed(byte[] payload, List<Block> blocks) {
            this.payload = payload;
            this.blocks = List.copyOf(blocks);
        }

        /** The bytes every signature signs: the body's first formatLength bytes plus formatTail. */
        public byte[] payload() {
            return payload.clone();
        }

        /**
         * @throws ManifestInvalidException    when a key is malformed
         * @throws ManifestUnverifiedException when a signature does not verify
         */
        public void verify() {
            byte[] encodedPayload = BASE64URL.encode(payload);
            for (int i = 0; i < blocks.size(); i++) {
                LibtrustSignatures.verify(blocks.get(i), encodedPayload, "signatures[" + i + "]");
            }
        }
    }

    /**
     * Signs {@code payload} (a JSON object) with an EC key the way libtrust's {@code Sign} then
     * {@code PrettySignature} do: the result is {@code payload} with the signature spliced in.
     */
    public static byte[] sign(byte[] payload, KeyPair key, Instant time) {
        int close = lastNonSpace(payload, payload.length);
        int last = close < 0 ? -1 : lastNonSpace(payload, close);
        if (close < 0 || payload[close] != '}' || last < 0 || payload[last] == ',') {
            throw new IllegalArgumentException("payload is no JSON object");
        }
        int formatLength = last + 1;
        byte[] tail = Arrays.copyOfRange(payload, formatLength, payload.length);
        Map<String, JsonValue> protectedHeader = new LinkedHashMap<>();
        protectedHeader.put("formatLength", new JsonNumber(BigDecimal.valueOf(formatLength)));
        protectedHeader.put("formatTail", new JsonString(BASE64URL.encodeToString(tail)));
        protectedHeader.put("time", new JsonString(RFC3339_SECONDS.format(time.truncatedTo(ChronoUnit.SECONDS))));
        String encodedHeader = BASE64URL.encodeToString(
                GoJson.sortedCompact(new JsonObject(protectedHeader)).getBytes(StandardCharsets.UTF_8));
        ECPublicKey publicKey = (ECPublicKey) key.getPublic();
        Curve curve = Curve.of(publicKey);
        byte[] signature;
        try {
            Signature signer = Signature.getInstance(curve.jcaSignature);
            signer.initSign(key.getPrivate());
            signer.update(signingInput(encodedHeader, BASE64URL.encode(payload)));
            signature = signer.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("signing a schema 1 manifest failed", e);
        }
        Map<String, JsonValue> header = new LinkedHashMap<>();
        header.put("jwk", jwk(publicKey, curve));
        header.put("alg", new JsonString(curve.algorithm));
        Map<String, JsonValue> block = new LinkedHashMap<>();
        block.put("header", new JsonObject(header));
        block.put("signature", new JsonString(BASE64URL.encodeToString(signature)));
        block.put("protected", new JsonString(encodedHeader));
        JsonArray signatures = new JsonArray(List.of(new JsonObject(block)));

        String indent = detectIndent(payload);
        String spliced = indent.isEmpty()
                ? ",\"signatures\":" + GoJson.compact(signatures) + "}"
                : ",\n" + indent + "\"signatures\": " + GoJson.indent(signatures, indent, indent) + "\n}";
        byte[] splicedBytes = spliced.getBytes(StandardCharsets.UTF_8);
        byte[] signed = Arrays.copyOf(payload, formatLength + splicedBytes.length);
        System.arraycopy(splicedBytes, 0, signed, formatLength, splicedBytes.length);
        return signed;
    }

    /**
     * libtrust's key ID: the SHA-256 of the DER SubjectPublicKeyInfo, truncated to 240 bits, in
     * base32 groups of four, e.g. {@code ABCD:EFGH:...} (twelve groups).
     */
    public static String keyId(PublicKey key) {
        byte[] hash;
        try {
            hash = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        StringBuilder base32 = new StringBuilder();
        // 30 bytes are 240 bits: exactly 48 base32 characters, no padding
        for (int bit = 0; bit < 240; bit += 5) {
            int value = 0;
            for (int b = bit; b < bit + 5; b++) {
                value = value << 1 | (hash[b / 8] >> (7 - b % 8)) & 1;
            }
            base32.append(BASE32.charAt(value));
        }
        StringBuilder grouped = new StringBuilder();
        for (int i = 0; i < base32.length(); i += 4) {
            grouped.append(i == 0 ? "" : ":").append(base32, i, i + 4);
        }
        return grouped.toString();
    }

    private static Block block(JsonObject block, String path) {
        if (!(block.get("header") instanceof JsonObject header)) {
            throw new ManifestInvalidException(path + ".header must be an object");
        }
        if (!(block.get("protected") instanceof JsonString protectedHeader)) {
            throw new ManifestInvalidException(path + ".protected is required");
        }
        if (!(block.get("signature") instanceof JsonString signature)) {
            throw new ManifestInvalidException(path + ".signature is required");
        }
        String algorithm = header.get("alg") instanceof JsonString alg ? alg.value() : "";
        JsonObject jwk = null;
        if (header.get("jwk") != null) {
            if (!(header.get("jwk") instanceof JsonObject key)) {
                throw new ManifestInvalidException(path + ".header.jwk must be an object");
            }
            jwk = key;
        }
        List<String> chain = new ArrayList<>();
        if (header.get("x5c") instanceof JsonArray certificates) {
            for (JsonValue certificate : certificates.elements()) {
                if (!(certificate instanceof JsonString text)) {
                    throw new ManifestInvalidException(path + ".header.x5c must hold strings");
                }
                chain.add(text.value());
            }
        }
        return new Block(protectedHeader.value(), algorithm, jwk, chain,
                base64url(signature.value(), path + ".signature"));
    }

    private static JsonObject protectedHeader(String encoded, String path) {
        try {
            if (Json.parse(base64url(encoded, path + ".protected")) instanceof JsonObject header) {
                return header;
            }
        } catch (JsonSyntaxException e) {
            // reported below
        }
        throw new ManifestInvalidException(path + ".protected must be a base64url-encoded JSON object");
    }

    private static void verify(Block block, byte[] encodedPayload, String path) {
        // the key in the header is parsed even when a chain overrides it, as libtrust does
        PublicKey jwkKey = block.jwk() == null ? null : publicKey(block.jwk(), path + ".header.jwk");
        PublicKey key = block.chain().isEmpty() ? jwkKey : certificateKey(block.chain().getFirst(), path);
        if (key == null) {
            throw new ManifestUnverifiedException(path + ": no jwk or x5c names the signing key");
        }
        String jcaAlgorithm = switch (key) {
            case ECPublicKey ec -> {
                Curve curve = Curve.of(ec);
                if (!curve.algorithm.equals(block.algorithm())) {
                    throw new ManifestUnverifiedException(path + ": an EC " + curve.jwkName
                            + " key does not sign with " + quoted(block.algorithm()));
                }
                if (block.signature().length != 2 * curve.octets) {
                    throw new ManifestUnverifiedException(path + ": signature length is " + block.signature().length
                            + " octets, should be " + 2 * curve.octets);
                }
                yield curve.jcaSignature;
            }
            case RSAPublicKey rsa -> {
                String jca = RSA_SIGNATURES.get(block.algorithm());
                if (jca == null) {
                    throw new ManifestUnverifiedException(path + ": an RSA key does not sign with "
                            + quoted(block.algorithm()));
                }
                yield jca;
            }
            default -> throw new ManifestUnverifiedException(path + ": unsupported key type " + key.getAlgorithm());
        };
        boolean valid;
        try {
            Signature verifier = Signature.getInstance(jcaAlgorithm);
            verifier.initVerify(key);
            verifier.update(signingInput(block.protectedHeader(), encodedPayload));
            valid = verifier.verify(block.signature());
        } catch (GeneralSecurityException | RuntimeException e) {
            valid = false;
        }
        if (!valid) {
            throw new ManifestUnverifiedException(path + ": invalid signature");
        }
    }

    private static byte[] signingInput(String encodedHeader, byte[] encodedPayload) {
        byte[] header = encodedHeader.getBytes(StandardCharsets.UTF_8);
        byte[] input = Arrays.copyOf(header, header.length + 1 + encodedPayload.length);
        input[header.length] = '.';
        System.arraycopy(encodedPayload, 0, input, header.length + 1, encodedPayload.length);
        return input;
    }

    /** A JWK public key as libtrust reads it: EC (P-256, P-384, P-521) or RSA; a kid, when given, must match. */
    private static PublicKey publicKey(JsonObject jwk, String path) {
        String type = string(jwk, "kty", path);
        PublicKey key;
        try {
            key = switch (type) {
                case "EC" -> ecKey(jwk, path);
                case "RSA" -> KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(
                        new BigInteger(1, base64url(string(jwk, "n", path), path + ".n")),
                        new BigInteger(1, base64url(string(jwk, "e", path), path + ".e"))));
                default -> throw new ManifestInvalidException(path + ": key type " + quoted(type) + " is not supported");
            };
        } catch (GeneralSecurityException | IllegalArgumentException | ArithmeticException e) {
            throw new ManifestInvalidException(path + ": not a valid public key");
        }
        if (jwk.get("kid") != null && !string(jwk, "kid", path).equals(keyId(key))) {
            throw new ManifestInvalidException(path + ": kid does not match the key");
        }
        return key;
    }

    private static PublicKey ecKey(JsonObject jwk, String path) throws GeneralSecurityException {
        String name = string(jwk, "crv", path);
        Curve curve = Arrays.stream(Curve.values()).filter(c -> c.jwkName.equals(name)).findFirst()
                .orElseThrow(() -> new ManifestInvalidException(path + ": curve " + quoted(name) + " is not supported"));
        byte[] x = base64url(string(jwk, "x", path), path + ".x");
        byte[] y = base64url(string(jwk, "y", path), path + ".y");
        if (x.length != curve.octets || y.length != curve.octets) {
            throw new ManifestInvalidException(path + ": coordinates must be " + curve.octets + " octets");
        }
        AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
        parameters.init(new ECGenParameterSpec(curve.jcaName));
        ECParameterSpec spec = parameters.getParameterSpec(ECParameterSpec.class);
        return KeyFactory.getInstance("EC").generatePublic(
                new ECPublicKeySpec(new ECPoint(new BigInteger(1, x), new BigInteger(1, y)), spec));
    }

    private static PublicKey certificateKey(String certificate, String path) {
        try {
            return CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(Base64.getDecoder().decode(certificate)))
                    .getPublicKey();
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new ManifestUnverifiedException(path + ".header.x5c[0] is no X.509 certificate");
        }
    }

    private static JsonObject jwk(ECPublicKey key, Curve curve) {
        Map<String, JsonValue> jwk = new LinkedHashMap<>();
        jwk.put("crv", new JsonString(curve.jwkName));
        jwk.put("kid", new JsonString(keyId(key)));
        jwk.put("kty", new JsonString("EC"));
        jwk.put("x", new JsonString(BASE64URL.encodeToString(unsigned(key.getW().getAffineX(), curve.octets))));
        jwk.put("y", new JsonString(BASE64URL.encodeToString(unsigned(key.getW().getAffineY(), curve.octets))));
        return new JsonObject(jwk);
    }

    /** A coordinate as exactly {@code octets} big-endian bytes. */
    private static byte[] unsigned(BigInteger value, int octets) {
        byte[] bytes = value.toByteArray();
        byte[] fixed = new byte[octets];
        int copy = Math.min(bytes.length, octets);
        System.arraycopy(bytes, bytes.length - copy, fixed, octets - copy, copy);
        return fixed;
    }

    private static String string(JsonObject object, String key, String path) {
        if (!(object.get(key) instanceof JsonString value)) {
            throw new ManifestInvalidException(path + "." + key + " must be a string");
        }
        return value.value();
    }

    private static byte[] base64url(String text, String path) {
        try {
            return BASE64URL_DECODER.decode(text);
        } catch (IllegalArgumentException e) {
            throw new ManifestInvalidException(path + " is not base64url");
        }
    }

    private static String quoted(String text) {
        return Excerpt.quote(text);
    }

    /** libtrust's {@code detectJSONIndent}: the indentation of the first member of a pretty-printed object. */
    private static String detectIndent(byte[] json) {
        if (json.length > 2 && json[0] == '{' && json[1] == '\n') {
            for (int i = 2; i < json.length; i++) {
                if (json[i] == '"') {
                    return new String(json, 2, i - 2, StandardCharsets.UTF_8);
                }
            }
        }
        return "";
    }

    private static int lastNonSpace(byte[] bytes, int end) {
        for (int i = end - 1; i >= 0; i--) {
            if (!Character.isWhitespace(bytes[i])) {
                return i;
            }
        }
        return -1;
    }
}
