package dev.berth.domain.manifest;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Base64;

/**
 * Signs a schema 1 payload in libtrust's pretty format with plain JCA and string building, not with
 * {@link LibtrustSignatures}, so tests of the verifier do not trust the code they test.
 */
final class IndependentJws {

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private IndependentJws() {
    }

    static KeyPair ec(String curve) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec(curve));
        return generator.generateKeyPair();
    }

    static KeyPair rsa() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    /** {@code payload} (pretty JSON ending in "\n}") signed with {@code alg} by {@code key}. */
    static String sign(String payload, KeyPair key, String alg, String jcaAlgorithm) throws Exception {
        int formatLength = payload.length() - 2;
        String header = B64.encodeToString(("{\"formatLength\":" + formatLength + ",\"formatTail\":\""
                + B64.encodeToString("\n}".getBytes(StandardCharsets.UTF_8)) + "\",\"time\":\"2015-04-08T18:52:59Z\"}")
                .getBytes(StandardCharsets.UTF_8));
        Signature signer = Signature.getInstance(jcaAlgorithm);
        signer.initSign(key.getPrivate());
        signer.update((header + "." + B64.encodeToString(payload.getBytes(StandardCharsets.UTF_8)))
                .getBytes(StandardCharsets.US_ASCII));
        String signature = B64.encodeToString(signer.sign());
        return payload.substring(0, formatLength) + ",\n   \"signatures\": [\n      {\n         \"header\": {\n"
                + "            \"jwk\": " + jwk(key) + ",\n            \"alg\": \"" + alg + "\"\n         },\n"
                + "         \"signature\": \"" + signature + "\",\n         \"protected\": \"" + header + "\"\n"
                + "      }\n   ]\n}";
    }

    private static String jwk(KeyPair key) {
        return switch (key.getPublic()) {
            case ECPublicKey ec -> {
                int octets = (ec.getParams().getCurve().getField().getFieldSize() + 7) / 8;
                yield "{\"crv\": \"P-" + (octets == 66 ? 521 : octets * 8) + "\", \"kty\": \"EC\", \"x\": \""
                        + B64.encodeToString(fixed(ec.getW().getAffineX(), octets)) + "\", \"y\": \""
                        + B64.encodeToString(fixed(ec.getW().getAffineY(), octets)) + "\"}";
            }
            case RSAPublicKey rsa -> "{\"kty\": \"RSA\", \"n\": \"" + B64.encodeToString(rsa.getModulus().toByteArray())
                    + "\", \"e\": \"" + B64.encodeToString(rsa.getPublicExponent().toByteArray()) + "\"}";
            default -> throw new IllegalArgumentException();
        };
    }

    private static byte[] fixed(BigInteger value, int octets) {
        byte[] bytes = value.toByteArray();
        return bytes.length >= octets ? Arrays.copyOfRange(bytes, bytes.length - octets, bytes.length)
                : concat(new byte[octets - bytes.length], bytes);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
