package dev.berth.deploy.system;

import dev.berth.application.port.GarbageCollectionStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Pattern;

import static dev.berth.deploy.system.AuthBerth.basic;
import static dev.berth.deploy.system.AuthBerth.with;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Berth with basic auth driven by containerd's {@code ctr} (Debian's containerd 1.6, started by the
 * test on a socket of its own): push with a user's password, a wrong one refused, and a pull into a
 * second namespace that unpacks the image. Then signatures stored the way cosign stores them next to a
 * ctr-pushed image: a {@code sha256-<hex>.sig} tag, referrers with a subject, and the referrers
 * tag-schema fallback ({@code sha256-<hex>} index), and what garbage collection does with them.
 */
class ContainerdCosignIT {

    private static final String COSIGN_SIMPLESIGNING = "application/vnd.dev.cosign.simplesigning.v1+json";
    private static final String SBOM = "application/spdx+json";
    private static final String[] ALICE = basic("alice", "alice-password");

    private static AuthBerth berth;
    private static RegistryClient registry;
    private static Containerd containerd;

    @TempDir
    Path work;

    @BeforeAll
    static void start() throws Exception {
        berth = AuthBerth.start("containerd-cosign-berth", Map.of("REGISTRY_AUTH", "htpasswd",
                "REGISTRY_AUTH_BCRYPT_COST", "5"));
        registry = berth.client();
        berth.createUser("alice", "alice-password", "ctr/*:pull,push,delete");
        berth.createUser("reader", "reader-password", "ctr/*:pull");
        containerd = Containerd.start(Path.of("target", "containerd-cosign").toAbsolutePath());
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (containerd != null) {
                containerd.close();
            }
        } finally {
            if (berth != null) {
                berth.close();
            }
        }
    }

    @Test
    void ctrPushesWithBasicAuthAndASecondNamespacePullsTheSameImage() throws Exception {
        OciImageLayout layout = OciImageLayout.create(work.resolve("layout"));
        OciImageLayout.Blob image = layout.image("amd64", 81, 400_000, 150_000);
        String reference = berth.host() + "/ctr/app:v1";

        Commands.Result refused = push(layout, image, "ctr/app", "alice:not-her-password");
        assertThat(refused.exitCode()).as(refused.output()).isNotZero();
        assertThat(refused.output()).contains("401 Unauthorized");
        assertThat(registry.get("/v2/ctr/app/tags/list", ALICE).statusCode()).as("nothing pushed").isEqualTo(404);

        Commands.Result pushed = push(layout, image, "ctr/app", "alice:alice-password");
        assertThat(pushed.exitCode()).as(pushed.output()).isZero();
        HttpResponse<byte[]> manifest = registry.get("/v2/ctr/app/manifests/v1",
                with(ALICE, "Accept", OciImageLayout.OCI_MANIFEST));
        assertThat(manifest.body()).as("the manifest bytes ctr pushed").isEqualTo(layout.read(image.digest()));
        assertThat(RegistryClient.header(manifest, "Docker-Content-Digest")).isEqualTo(image.digest());
        for (String blob : layout.digests()) {
            if (!blob.equals(image.digest())) {
                assertThat(registry.get("/v2/ctr/app/blobs/" + blob, ALICE).body()).as(blob).isEqualTo(layout.read(blob));
            }
        }
        assertThat(RegistryClient.text(registry.get("/v2/ctr/app/tags/list", ALICE)))
                .isEqualTo("{\"name\":\"ctr/app\",\"tags\":[\"v1\"]}");

        Commands.Result wrongPull = containerd.run("puller", "images", "pull", "--plain-http", "--user",
                "reader:wrong-password", reference);
        assertThat(wrongPull.exitCode()).as(wrongPull.output()).isNotZero();
        assertThat(wrongPull.output()).contains("401 Unauthorized");
        containerd.ok("puller", "images", "pull", "--plain-http", "--user", "reader:reader-password",
                "--snapshotter", "native", reference);
        assertThat(containerd.ok("puller", "images", "ls")).contains(reference + " " + OciImageLayout.OCI_MANIFEST + " "
                + image.digest());
        // every blob in the second namespace's content store (containerd verifies each digest on
        // ingest) and the layers unpacked (each checked against the config's diff_ids)
        assertThat(containerd.ok("puller", "content", "ls")).contains(layout.digests());
        assertThat(containerd.ok("puller", "images", "check", "--snapshotter", "native"))
                .containsPattern(Pattern.quote(reference) + "\\s+" + Pattern.quote(OciImageLayout.OCI_MANIFEST) + "\\s+"
                        + image.digest() + "\\s+complete \\(3/3\\).*\\strue");
    }

    /**
     * cosign signs a digest and stores the signature under the tag {@code sha256-<hex>.sig} of the same
     * repository; registries without the referrers API get OCI 1.1 referrers listed in an index
     * tagged {@code sha256-<hex>}. Both are tags, so both stay however the subject fares; an
     * untagged referrer stays as long as its subject, and garbage collection takes it with the subject.
     */
    @Test
    void cosignSignaturesAndReferrersStayWithTheirSubjectAndTagsKeepThem() throws Exception {
        OciImageLayout layout = OciImageLayout.create(work.resolve("signed"));
        OciImageLayout.Blob image = pushedByAlice(layout, 82, "ctr/signed");
        String subject = image.digest();
        String hex = subject.substring("sha256:".length());

        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        KeyPair key = generator.generateKeyPair();
        String signatureManifest = cosignSignature(key, "ctr/signed", subject);
        assertThat(put("ctr/signed", "sha256-" + hex + ".sig", OciImageLayout.OCI_MANIFEST, signatureManifest).statusCode())
                .isEqualTo(201);

        String sbom = referrer("ctr/signed", SBOM, image, "{\"spdxVersion\":\"SPDX-2.3\"}");
        String report = referrer("ctr/signed", "application/vnd.example.vulnerability-report.v1+json", image,
                "{\"vulnerabilities\":[]}");
        String sbomDigest = RegistryClient.sha256(sbom.getBytes(StandardCharsets.UTF_8));
        String reportDigest = RegistryClient.sha256(report.getBytes(StandardCharsets.UTF_8));
        HttpResponse<byte[]> sbomPut = put("ctr/signed", sbomDigest, OciImageLayout.OCI_MANIFEST, sbom);
        assertThat(sbomPut.statusCode()).isEqualTo(201);
        assertThat(RegistryClient.header(sbomPut, "OCI-Subject")).as("the referrers API is there").isEqualTo(subject);
        assertThat(put("ctr/signed", reportDigest, OciImageLayout.OCI_MANIFEST, report).statusCode()).isEqualTo(201);
        // what a client writes where the referrers API is missing: an index of the referrers, tagged
        String fallback = "{\"schemaVersion\":2,\"mediaType\":\"" + OciImageLayout.OCI_INDEX + "\",\"manifests\":[{\"mediaType\":\""
                + OciImageLayout.OCI_MANIFEST + "\",\"digest\":\"" + sbomDigest + "\",\"size\":" + sbom.length()
                + ",\"artifactType\":\"" + SBOM + "\"}]}";
        assertThat(put("ctr/signed", "sha256-" + hex, OciImageLayout.OCI_INDEX, fallback).statusCode()).isEqualTo(201);

        assertThat(RegistryClient.text(registry.get("/v2/ctr/signed/tags/list", ALICE))).isEqualTo(
                "{\"name\":\"ctr/signed\",\"tags\":[\"sha256-" + hex + "\",\"sha256-" + hex + ".sig\",\"v1\"]}");
        assertThat(registry.get("/v2/ctr/signed/manifests/sha256-" + hex, with(ALICE, "Accept", OciImageLayout.OCI_INDEX))
                .body()).isEqualTo(fallback.getBytes(StandardCharsets.UTF_8));
        String referrers = RegistryClient.text(registry.get("/v2/ctr/signed/referrers/" + subject, ALICE));
        assertThat(referrers).contains(sbomDigest, reportDigest, "\"artifactType\":\"" + SBOM + "\"")
                .as("the .sig manifest names no subject").doesNotContain(
                        RegistryClient.sha256(signatureManifest.getBytes(StandardCharsets.UTF_8)));

        // with the subject tagged, a collection of untagged manifests keeps all of it
        collectGarbageUntilNothingMoreGoes();
        assertThat(registry.get("/v2/ctr/signed/manifests/" + reportDigest, ALICE).statusCode())
                .as("an untagged referrer of a kept subject").isEqualTo(200);
        assertVerifies(key, subject);

        // the image's tag deleted: the untagged image goes, and with it the referrer nothing else keeps
        assertThat(registry.send("DELETE", "/v2/ctr/signed/manifests/v1", null, ALICE).statusCode()).isEqualTo(202);
        collectGarbageUntilNothingMoreGoes();
        assertThat(registry.get("/v2/ctr/signed/manifests/" + subject, ALICE).statusCode()).isEqualTo(404);
        assertThat(registry.get("/v2/ctr/signed/manifests/" + reportDigest, ALICE).statusCode()).isEqualTo(404);
        for (String blob : layout.digests()) {
            assertThat(registry.get("/v2/ctr/signed/blobs/" + blob, ALICE).statusCode()).as("freed " + blob).isEqualTo(404);
        }
        // what tags name stays: the signature (still verifiable) and the fallback index with the SBOM it lists
        assertVerifies(key, subject);
        assertThat(registry.get("/v2/ctr/signed/manifests/" + sbomDigest, ALICE).body())
                .isEqualTo(sbom.getBytes(StandardCharsets.UTF_8));
        assertThat(RegistryClient.text(registry.get("/v2/ctr/signed/tags/list", ALICE))).isEqualTo(
                "{\"name\":\"ctr/signed\",\"tags\":[\"sha256-" + hex + "\",\"sha256-" + hex + ".sig\"]}");
        assertThat(RegistryClient.text(registry.get("/v2/ctr/signed/referrers/" + subject, ALICE)))
                .contains(sbomDigest).doesNotContain(reportDigest);
    }

    /** Deleted by digest, the image goes at once and its untagged referrer at the next collection. */
    @Test
    void anImageDeletedByDigestTakesItsUntaggedReferrerAlongAtTheNextCollection() throws Exception {
        OciImageLayout.Blob image = pushedByAlice(OciImageLayout.create(work.resolve("deleted")), 83, "ctr/deleted");
        String sbom = referrer("ctr/deleted", SBOM, image, "{\"spdxVersion\":\"SPDX-2.3\"}");
        String sbomDigest = RegistryClient.sha256(sbom.getBytes(StandardCharsets.UTF_8));
        assertThat(put("ctr/deleted", sbomDigest, OciImageLayout.OCI_MANIFEST, sbom).statusCode()).isEqualTo(201);

        assertThat(registry.send("DELETE", "/v2/ctr/deleted/manifests/" + image.digest(), null, ALICE).statusCode())
                .isEqualTo(202);
        assertThat(registry.get("/v2/ctr/deleted/manifests/v1", ALICE).statusCode()).isEqualTo(404);
        collectGarbageUntilNothingMoreGoes();
        assertThat(registry.get("/v2/ctr/deleted/manifests/" + sbomDigest, ALICE).statusCode()).isEqualTo(404);
        assertThat(RegistryClient.text(registry.get("/v2/ctr/deleted/referrers/" + image.digest(), ALICE)))
                .doesNotContain(sbomDigest);
    }

    /** ctr imports the layout's image into its namespace "pusher" and pushes it as {@code repository:v1}. */
    private static Commands.Result push(OciImageLayout layout, OciImageLayout.Blob image, String repository,
                                        String credentials) throws Exception {
        String name = berth.host() + "/" + repository;
        layout.tag(image, "v1");
        containerd.importImage("pusher", layout, name);
        return containerd.run("pusher", "images", "push", "--plain-http", "--user", credentials, name + ":v1");
    }

    /** A one-layer image of {@code seed} written to {@code layout} and pushed by ctr as alice to {@code repository:v1}. */
    private static OciImageLayout.Blob pushedByAlice(OciImageLayout layout, long seed, String repository) throws Exception {
        OciImageLayout.Blob image = layout.image("amd64", seed, 100_000);
        Commands.Result pushed = push(layout, image, repository, "alice:alice-password");
        assertThat(pushed.exitCode()).as(pushed.output()).isZero();
        return image;
    }

    /**
     * The manifest cosign pushes for a signature: the simple signing payload as its one layer, the
     * signature over it in the layer's annotation, and a config naming the payload.
     */
    private static String cosignSignature(KeyPair key, String repository, String subject) throws Exception {
        byte[] payload = ("{\"critical\":{\"identity\":{\"docker-reference\":\"" + berth.host() + "/" + repository
                + "\"},\"image\":{\"docker-manifest-digest\":\"" + subject
                + "\"},\"type\":\"cosign container image signature\"},\"optional\":null}").getBytes(StandardCharsets.UTF_8);
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(key.getPrivate());
        signer.update(payload);
        String signature = Base64.getEncoder().encodeToString(signer.sign());
        String payloadDigest = registry.pushBlobAs(repository, payload, ALICE);
        byte[] config = ("{\"architecture\":\"\",\"created\":\"0001-01-01T00:00:00Z\",\"history\":[{\"created\":"
                + "\"0001-01-01T00:00:00Z\"}],\"os\":\"\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + payloadDigest
                + "\"]},\"config\":{}}").getBytes(StandardCharsets.UTF_8);
        String configDigest = registry.pushBlobAs(repository, config, ALICE);
        return "{\"schemaVersion\":2,\"mediaType\":\"" + OciImageLayout.OCI_MANIFEST + "\",\"config\":{\"mediaType\":"
                + "\"application/vnd.oci.image.config.v1+json\",\"size\":" + config.length + ",\"digest\":\"" + configDigest
                + "\"},\"layers\":[{\"mediaType\":\"" + COSIGN_SIMPLESIGNING + "\",\"size\":" + payload.length
                + ",\"digest\":\"" + payloadDigest + "\",\"annotations\":{\"dev.cosignproject.cosign/signature\":\""
                + signature + "\"}}]}";
    }

    /** What cosign verify checks: the .sig tag's payload names the subject and its signature holds. */
    private static void assertVerifies(KeyPair key, String subject) throws Exception {
        String hex = subject.substring("sha256:".length());
        HttpResponse<byte[]> manifest = registry.get("/v2/ctr/signed/manifests/sha256-" + hex + ".sig",
                with(ALICE, "Accept", OciImageLayout.OCI_MANIFEST));
        assertThat(manifest.statusCode()).isEqualTo(200);
        String layers = RegistryClient.text(manifest).substring(RegistryClient.text(manifest).indexOf("\"layers\""));
        assertThat(JsonFields.string(layers, "mediaType")).isEqualTo(COSIGN_SIMPLESIGNING);
        byte[] payload = registry.get("/v2/ctr/signed/blobs/" + JsonFields.string(layers, "digest"), ALICE).body();
        assertThat(new String(payload, StandardCharsets.UTF_8)).contains("\"docker-manifest-digest\":\"" + subject + "\"");
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(key.getPublic());
        verifier.update(payload);
        assertThat(verifier.verify(Base64.getDecoder().decode(JsonFields.string(layers, "dev.cosignproject.cosign/signature"))))
                .isTrue();
    }

    /** An OCI 1.1 artifact with {@code subject}, its one layer {@code content} (blobs pushed). */
    private static String referrer(String repository, String artifactType, OciImageLayout.Blob subject, String content) {
        byte[] empty = "{}".getBytes(StandardCharsets.UTF_8);
        byte[] layer = content.getBytes(StandardCharsets.UTF_8);
        String emptyDigest = registry.pushBlobAs(repository, empty, ALICE);
        String layerDigest = registry.pushBlobAs(repository, layer, ALICE);
        return "{\"schemaVersion\":2,\"mediaType\":\"" + OciImageLayout.OCI_MANIFEST + "\",\"artifactType\":\"" + artifactType
                + "\",\"config\":" + new OciImageLayout.Blob("application/vnd.oci.empty.v1+json", emptyDigest, 2).json()
                + ",\"layers\":[" + new OciImageLayout.Blob(artifactType, layerDigest, layer.length).json()
                + "],\"subject\":" + subject.json() + "}";
    }

    private static HttpResponse<byte[]> put(String repository, String reference, String mediaType, String manifest) {
        return registry.send("PUT", "/v2/" + repository + "/manifests/" + reference,
                manifest.getBytes(StandardCharsets.UTF_8), with(ALICE, "Content-Type", mediaType));
    }

    /** Collects until a run deletes no manifest (what one run deletes queues more for the next). */
    private static void collectGarbageUntilNothingMoreGoes() throws InterruptedException {
        for (int run = 0; run < 10; run++) {
            GarbageCollectionStore.Run done = berth.collectGarbage();
            if (done.manifestsFreed() == 0) {
                return;
            }
        }
        throw new AssertionError("garbage collection still deleted manifests after ten runs");
    }
}
