package dev.berth.deploy.system;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

import java.math.BigInteger;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.berth.deploy.system.RegistryApiIT.assertError;
import static dev.berth.deploy.system.RegistryClient.header;
import static dev.berth.deploy.system.RegistryClient.sha256;
import static dev.berth.deploy.system.RegistryClient.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Docker engine 1.6 and later (image manifest schema 1) against the packaged Berth: skopeo pushes
 * and pulls back schema 1; a request without Accept, as Docker 1.6 sends it, gets the stored image
 * as schema 1 signed by Berth, checked here with plain JCA; bad pushes answer as Distribution does.
 */
@ResourceLock(SharedBerth.LOCK)
class Schema1IT {

    private static final Duration TIMEOUT = Duration.ofMinutes(5);
    private static final String SIGNED = "application/vnd.docker.distribution.manifest.v1+prettyjws";
    private static final Base64.Decoder BASE64URL = Base64.getUrlDecoder();
    private static RegistryClient registry;
    private static String host;
    private static int port;

    @TempDir
    Path work;

    @BeforeAll
    static void start() throws Exception {
        BerthProcess berth = SharedBerth.get();
        registry = new RegistryClient(berth);
        port = berth.port();
        host = "127.0.0.1:" + port;
    }

    @Test
    void skopeoPushesSchema1AndPullsBackEveryLayerByteForByte() throws Exception {
        OciImageLayout source = OciImageLayout.create(work.resolve("source"));
        OciImageLayout.Blob image = source.imageWithHistory("amd64", 101, 700_000, 90_000, 1_200_000);
        source.tag(image, "v1");
        String remote = "docker://" + host + "/legacy/skopeo:v1";

        Commands.ok(work, TIMEOUT, "skopeo", "copy", "--dest-tls-verify=false", "--format", "v2s1",
                "oci:" + source.root() + ":v1", remote);

        HttpResponse<byte[]> byTag = registry.get("/v2/legacy/skopeo/manifests/v1", "Accept", SIGNED);
        assertThat(byTag.statusCode()).as(text(byTag)).isEqualTo(200);
        assertThat(header(byTag, "Content-Type")).isEqualTo(SIGNED);
        byte[] payload = verifiedPayload(byTag.body());
        String digest = header(byTag, "Docker-Content-Digest");
        assertThat(digest).as("over the payload without signatures, as Distribution")
                .isEqualTo(sha256(payload)).isNotEqualTo(sha256(byTag.body()));
        String inspected = Commands.ok(work, TIMEOUT, "skopeo", "inspect", "--tls-verify=false", remote);
        assertThat(inspected).as("skopeo computes the same digest").contains("\"Digest\": \"" + digest + "\"");
        HttpResponse<byte[]> byDigest = registry.get("/v2/legacy/skopeo/manifests/" + digest, "Accept", SIGNED);
        assertThat(byDigest.body()).as("the bytes pushed, by digest too").isEqualTo(byTag.body());

        Path pulled = work.resolve("pulled");
        Commands.ok(work, TIMEOUT, "skopeo", "copy", "--src-tls-verify=false", remote, "dir:" + pulled);
        assertThat(Files.readAllBytes(pulled.resolve("manifest.json"))).isEqualTo(byTag.body());
        List<String> layers = layers(source, image);
        assertThat(layers).hasSize(3);
        for (String layer : layers) {
            Path copy = pulled.resolve(layer.substring("sha256:".length()));
            assertThat(copy).as("layer " + layer).exists();
            assertThat(Files.readAllBytes(copy)).isEqualTo(source.read(layer));
        }
    }

    @Test
    void aDocker16RequestWithoutAcceptGetsASignedSchema1WhoseLayersPull() throws Exception {
        OciImageLayout source = OciImageLayout.create(work.resolve("oci"));
        OciImageLayout.Blob image = source.imageWithHistory("amd64", 102, 300_000, 50_000);
        pushAsIs(source, image, "legacy/converted", "v1");

        HttpResponse<byte[]> converted = registry.get("/v2/legacy/converted/manifests/v1");

        assertThat(converted.statusCode()).as(text(converted)).isEqualTo(200);
        assertThat(header(converted, "Content-Type")).isEqualTo(SIGNED);
        byte[] payload = verifiedPayload(converted.body());
        assertThat(header(converted, "Docker-Content-Digest")).isEqualTo(sha256(payload));
        String manifest = new String(payload, StandardCharsets.UTF_8);
        assertThat(manifest).startsWith("{\n   \"schemaVersion\": 1,\n   \"name\": \"legacy/converted\",\n"
                + "   \"tag\": \"v1\",\n   \"architecture\": \"amd64\",");
        List<String> fsLayers = matches("\"blobSum\": \"(sha256:[0-9a-f]{64})\"", manifest);
        List<String> layers = layers(source, image);
        assertThat(fsLayers).as("newest first, one per history step, the step without a layer as the empty tar")
                .containsExactly("sha256:a3ed95caeb02ffe68cdd9fd84406680ae93d633cb16422d00e8a7c22955b46d4",
                        layers.get(1), layers.get(0));
        for (String layer : fsLayers) {
            HttpResponse<byte[]> blob = registry.get("/v2/legacy/converted/blobs/" + layer);
            assertThat(blob.statusCode()).as(layer).isEqualTo(200);
            assertThat(sha256(blob.body())).isEqualTo(layer);
        }
        HttpResponse<byte[]> again = registry.head("/v2/legacy/converted/manifests/v1");
        assertThat(header(again, "Docker-Content-Digest")).as("the same image, the same digest")
                .isEqualTo(header(converted, "Docker-Content-Digest"));
        HttpResponse<byte[]> modern = registry.get("/v2/legacy/converted/manifests/v1", "Accept",
                OciImageLayout.OCI_MANIFEST);
        assertThat(modern.body()).isEqualTo(source.read(image.digest()));
    }

    @Test
    void badSignaturesMissingLayersAndOversizedManifestsAreRefusedAsByDistribution() throws Exception {
        OciImageLayout source = OciImageLayout.create(work.resolve("refusals"));
        OciImageLayout.Blob image = source.imageWithHistory("amd64", 103, 20_000);
        pushAsIs(source, image, "legacy/refusals", "v1");
        HttpResponse<byte[]> converted = registry.get("/v2/legacy/refusals/manifests/v1");
        String body = new String(converted.body(), StandardCharsets.UTF_8);

        Matcher signature = Pattern.compile("\"signature\": \"(.)").matcher(body);
        assertThat(signature.find()).isTrue();
        String badSignature = body.substring(0, signature.start(1)) + (signature.group(1).equals("A") ? "B" : "A")
                + body.substring(signature.end(1));
        assertError(put("legacy/refusals", "bad", SIGNED, badSignature), 400, "MANIFEST_UNVERIFIED");
        String tamperedPayload = body.replace("\"tag\": \"v1\"", "\"tag\": \"v9\"");
        assertError(put("legacy/refusals", "tampered", SIGNED, tamperedPayload), 400, "MANIFEST_UNVERIFIED");
        String unsigned = body.substring(0, body.indexOf(",\n   \"signatures\"")) + "\n}";
        assertError(put("legacy/refusals", "unsigned", SIGNED, unsigned), 400, "MANIFEST_INVALID");

        HttpResponse<byte[]> elsewhere = put("legacy/no-layers", "v1", SIGNED, body);
        assertError(elsewhere, 400, "MANIFEST_BLOB_UNKNOWN");

        // announced larger than 4 MiB: answered before the body is read, the connection closed
        assertThat(RawHttp.refusedBody(port, "/v2/legacy/refusals/manifests/huge", SIGNED, 4 * 1024 * 1024 + 1,
                body.substring(0, 100))).startsWith("HTTP/1.1 413").contains("\"code\":\"MANIFEST_INVALID\"");

        HttpResponse<byte[]> docker16Push = registry.send("PUT", "/v2/legacy/refusals/manifests/again",
                converted.body());
        assertThat(docker16Push.statusCode()).as("no Content-Type, as Docker 1.6 pushes: " + text(docker16Push))
                .isEqualTo(201);
        assertThat(header(docker16Push, "Docker-Content-Digest")).isEqualTo(header(converted, "Docker-Content-Digest"));
        assertThat(registry.get("/v2/legacy/refusals/manifests/again", "Accept", SIGNED).body())
                .isEqualTo(converted.body());
    }

    private static HttpResponse<byte[]> put(String repository, String tag, String type, String body) {
        return registry.send("PUT", "/v2/" + repository + "/manifests/" + tag, body.getBytes(StandardCharsets.UTF_8),
                "Content-Type", type);
    }

    /** Pushes the image's blobs and its OCI manifest through the API, unchanged. */
    private static void pushAsIs(OciImageLayout source, OciImageLayout.Blob image, String repository, String tag)
            throws Exception {
        for (String digest : source.digests()) {
            if (!digest.equals(image.digest())) {
                registry.pushBlob(repository, source.read(digest));
            }
        }
        registry.putManifest(repository, tag, OciImageLayout.OCI_MANIFEST, source.read(image.digest()));
    }

    /** The layer digests of an OCI image in the layout, in manifest order. */
    private static List<String> layers(OciImageLayout source, OciImageLayout.Blob image) throws Exception {
        String manifest = new String(source.read(image.digest()), StandardCharsets.UTF_8);
        String layers = manifest.substring(manifest.indexOf("\"layers\""));
        return matches("\"digest\":\"(sha256:[0-9a-f]{64})\"", layers);
    }

    private static List<String> matches(String regex, String text) {
        List<String> found = new ArrayList<>();
        Matcher matcher = Pattern.compile(regex).matcher(text);
        while (matcher.find()) {
            found.add(matcher.group(1));
        }
        return found;
    }

    private static String only(String regex, String text) {
        List<String> found = matches(regex, text);
        assertThat(found).as(regex).hasSize(1);
        return found.getFirst();
    }

    /**
     * Checks the one libtrust signature of a schema 1 body with plain JCA, without Berth's code:
     * the payload is the body's first formatLength bytes plus formatTail (from the protected
     * header), signed as {@code protected + "." + base64url(payload)} by the EC key in the jwk.
     *
     * @return the payload
     */
    private static byte[] verifiedPayload(byte[] body) throws Exception {
        String text = new String(body, StandardCharsets.UTF_8);
        String protectedHeader = only("\"protected\":\\s*\"([A-Za-z0-9_-]+)\"", text);
        String header = new String(BASE64URL.decode(protectedHeader), StandardCharsets.UTF_8);
        int formatLength = Integer.parseInt(only("\"formatLength\":(\\d+)", header));
        byte[] tail = BASE64URL.decode(only("\"formatTail\":\"([A-Za-z0-9_-]*)\"", header));
        byte[] payload = Arrays.copyOf(body, formatLength + tail.length);
        System.arraycopy(tail, 0, payload, formatLength, tail.length);

        String curve = only("\"crv\":\\s*\"(P-\\d+)\"", text);
        assertThat(curve).isEqualTo("P-256");
        assertThat(only("\"alg\":\\s*\"(\\w+)\"", text)).isEqualTo("ES256");
        AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
        parameters.init(new ECGenParameterSpec("secp256r1"));
        PublicKey key = KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(new ECPoint(
                new BigInteger(1, BASE64URL.decode(only("\"x\":\\s*\"([A-Za-z0-9_-]+)\"", text))),
                new BigInteger(1, BASE64URL.decode(only("\"y\":\\s*\"([A-Za-z0-9_-]+)\"", text)))),
                parameters.getParameterSpec(ECParameterSpec.class)));
        Signature verifier = Signature.getInstance("SHA256withECDSAinP1363Format");
        verifier.initVerify(key);
        verifier.update((protectedHeader + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(payload))
                .getBytes(StandardCharsets.US_ASCII));
        assertThat(verifier.verify(BASE64URL.decode(only("\"signature\":\\s*\"([A-Za-z0-9_-]+)\"", text))))
                .as("the signature verifies").isTrue();
        return payload;
    }
}
