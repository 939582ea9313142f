package dev.berth.deploy.system;

import dev.berth.adapters.storage.s3.S3ProxyServer;
import dev.berth.adapters.storage.testserver.FaultProxy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One Berth storing into S3 (S3Proxy in this JVM, loopback, path-style), through a fault-injecting
 * proxy that passes everything through unless a test says otherwise: real clients push and pull
 * through pull redirects, S3 failing gives the registry's 503 and recovers without a restart, and a
 * Berth with wrong credentials refuses to start.
 */
class S3IT {

    private static final Duration TIMEOUT = Duration.ofMinutes(5);
    private static final String BUCKET = "berth-it";
    private static S3ProxyServer s3;
    private static FaultProxy proxy;
    private static BerthProcess berth;
    private static RegistryClient registry;
    private static String host;

    @TempDir
    Path work;

    @BeforeAll
    static void start() throws Exception {
        Path root = Path.of("target", "s3-it").toAbsolutePath();
        WorkDirectories.deleteQuietly(root);
        s3 = S3ProxyServer.start(root.resolve("bucket"), null);
        s3.createBucket(BUCKET);
        proxy = FaultProxy.start(s3.endpoint(), FaultProxy.Dialect.S3);
        berth = BerthProcess.start(root.resolve("berth"), BerthProcess.freePort(), s3Environment(S3ProxyServer.SECRET_KEY));
        berth.awaitReady();
        registry = new RegistryClient(berth);
        host = "127.0.0.1:" + berth.port();
    }

    @AfterAll
    static void stop() throws Exception {
        if (berth != null) {
            berth.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    private static Map<String, String> s3Environment(String secretKey) {
        Map<String, String> env = new HashMap<>();
        env.put("REGISTRY_STORAGE", "s3");
        env.put("REGISTRY_STORAGE_S3_BUCKET", BUCKET);
        env.put("REGISTRY_STORAGE_S3_REGION", "us-east-1");
        env.put("REGISTRY_STORAGE_S3_REGIONENDPOINT", proxy.endpoint().toString());
        env.put("REGISTRY_STORAGE_S3_FORCEPATHSTYLE", "true");
        env.put("REGISTRY_STORAGE_S3_ACCESSKEY", S3ProxyServer.ACCESS_KEY);
        env.put("REGISTRY_STORAGE_S3_SECRETKEY", secretKey);
        env.put("REGISTRY_STORAGE_S3_CHUNKSIZE", String.valueOf(5 << 20));
        env.put("REGISTRY_STORAGE_S3_ROOTDIRECTORY", "registry");
        return env;
    }

    @Test
    void skopeoPushesAndPullsBackThroughRedirectsByteForByte() throws Exception {
        OciImageLayout source = OciImageLayout.create(work.resolve("source"));
        // layers across the 5 MiB part size: multipart compose with server-side copies and a streamed tail
        OciImageLayout.Blob image = source.image("amd64", 71, 12_000_000, 300_000, 5_300_000);
        source.tag(image, "v1");
        String remote = "docker://" + host + "/s3/skopeo:v1";

        OciImageLayout pulled = source.pushAndPullBack("v1", remote, work.resolve("pulled"), TIMEOUT);
        assertThat(Files.readString(pulled.root().resolve("index.json"))).contains(image.digest());
    }

    @Test
    void blobGetRedirectsToAPresignedUrlThatServesTheBytesAndRanges() throws Exception {
        byte[] content = OciImageLayout.randomBytes(7_000_000, 5);
        String digest = RegistryClient.sha256(content);
        HttpResponse<byte[]> put = registry.send("POST", "/v2/s3/raw/blobs/uploads/?digest=" + digest, content,
                "Content-Type", "application/octet-stream");
        assertThat(put.statusCode()).isEqualTo(201);

        HttpResponse<byte[]> get = registry.get("/v2/s3/raw/blobs/" + digest);
        HttpResponse<byte[]> head = registry.send("HEAD", "/v2/s3/raw/blobs/" + digest, null);
        HttpResponse<byte[]> unknown = registry.get("/v2/s3/raw/blobs/sha256:" + "0".repeat(64));

        assertThat(get.statusCode()).isEqualTo(307);
        assertThat(get.headers().firstValue("Docker-Content-Digest")).hasValue(digest);
        URI location = URI.create(get.headers().firstValue("Location").orElseThrow());
        assertThat(location.getPort()).as("S3's endpoint as Berth knows it").isEqualTo(proxy.endpoint().getPort());
        assertThat(location.getPath()).isEqualTo("/" + BUCKET + "/registry/blobs/sha256/" + digest.substring(7, 9) + "/"
                + digest.substring(7));
        assertThat(head.statusCode()).as("HEAD answers here").isEqualTo(200);
        assertThat(head.headers().firstValueAsLong("Content-Length")).hasValue(content.length);
        assertThat(unknown.statusCode()).isEqualTo(404);
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<byte[]> whole = http.send(HttpRequest.newBuilder(location).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(RegistryClient.sha256(whole.body())).isEqualTo(digest);
            HttpResponse<byte[]> range = http.send(HttpRequest.newBuilder(location).header("Range", "bytes=10-19").build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(range.statusCode()).isEqualTo(206);
            assertThat(range.body()).isEqualTo(java.util.Arrays.copyOfRange(content, 10, 20));
        }
    }

    @Test
    void podmanPullsThroughTheRedirects() throws Exception {
        OciImageLayout source = OciImageLayout.create(work.resolve("for-podman"));
        OciImageLayout.Blob image = source.image("amd64", 73, 6_000_000, 100_000);
        source.tag(image, "v1");
        Commands.ok(work, TIMEOUT, "skopeo", "copy", "--dest-tls-verify=false", "--preserve-digests",
                "oci:" + source.root() + ":v1", "docker://" + host + "/s3/podman:v1");

        Path root = work.resolve("podman");
        String[] podman = {"podman", "--root", root.resolve("storage").toString(), "--runroot",
                root.resolve("run").toString(), "--storage-driver", "vfs", "--events-backend", "file",
                "--cgroup-manager", "cgroupfs"};
        Commands.ok(work, TIMEOUT, concat(podman, "pull", "--tls-verify=false", host + "/s3/podman:v1"));
        String digest = Commands.ok(work, TIMEOUT, concat(podman, "image", "inspect", "--format", "{{.Digest}}",
                host + "/s3/podman:v1")).trim();

        assertThat(digest).isEqualTo(image.digest());
    }

    @Test
    void dockerPushesAndPullsThroughTheRedirects() throws Exception {
        String remote = host + "/s3/docker:v1";
        try (DockerDaemon docker = DockerDaemon.start()) {
            docker.loadImage(remote, 79);
            String imageId = docker.ok("image", "inspect", "--format", "{{.Id}}", remote).trim();
            docker.ok("push", remote);
            docker.ok("rmi", remote);
            docker.ok("pull", remote);
            assertThat(docker.ok("image", "inspect", "--format", "{{.Id}}", remote).trim()).isEqualTo(imageId);
        }
        // docker's layer downloads were answered with redirects to S3 (the access log), not with the bytes
        assertThat(berth.output()).containsPattern("GET /v2/s3/docker/blobs/sha256:[0-9a-f]{64} 307 ");
    }

    @Test
    void wrongCredentialsStopBerthWithAClearMessage() throws Exception {
        try (BerthProcess wrong = BerthProcess.start(work, BerthProcess.freePort(), s3Environment("not-the-secret"))) {
            assertThat(wrong.awaitExit(BerthProcess.READY_TIMEOUT)).isNotZero();
            assertThat(wrong.output())
                    .contains("Berth cannot start: storage s3 at s3://" + BUCKET + "/registry at " + proxy.endpoint()
                            + " does not accept writes")
                    .contains("S3 answered 403 SignatureDoesNotMatch")
                    .doesNotContain("not-the-secret");
        }
    }

    @Test
    void s3AnsweringOnly503GivesTheRegistrys503AndTheSameBerthRecovers() throws Exception {
        StorageFaults.outageAnswersUnavailableAndTheSameBerthRecovers(berth, proxy, "s3/outage");
    }

    @Test
    void aFewS3ErrorsAreRetriedAndThePushSucceeds() throws Exception {
        StorageFaults.transientErrorsAreRetriedAndThePushSucceeds(berth, proxy, "s3/transient");
    }

    private static String[] concat(String[] first, String... rest) {
        String[] all = new String[first.length + rest.length];
        System.arraycopy(first, 0, all, 0, first.length);
        System.arraycopy(rest, 0, all, first.length, rest.length);
        return all;
    }
}
