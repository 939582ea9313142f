package dev.berth.deploy.system;

import dev.berth.adapters.db.DatabaseSettings;
import dev.berth.adapters.db.MetadataDatabase;
import dev.berth.adapters.db.PostgresCertificateStore;
import dev.berth.adapters.db.SecretBox;
import dev.berth.adapters.http.tls.BouncyCastleCertificateIssuer;
import dev.berth.adapters.http.tls.LoggedAuditLog;
import dev.berth.adapters.storage.s3.S3ProxyServer;
import dev.berth.application.access.Administration;
import dev.berth.application.tls.ActivateCertificate;
import dev.berth.application.tls.CertificateSummary;
import dev.berth.application.tls.GenerateCertificate;
import dev.berth.application.tls.Hostname;
import dev.berth.domain.json.Json;
import dev.berth.domain.json.JsonObject;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import static dev.berth.deploy.system.RegistryClient.header;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three packaged Berth nodes on one external PostgreSQL and one S3 bucket (S3Proxy), with Debian's
 * HAProxy round-robin in front of them (health checks on /health/ready), all on loopback
 * (deploy/docs/scale-out.md), with token auth: a token one node issued must be good on the others,
 * and a webhook receiver behind all of them. Real clients go through the balancer; the tests that
 * must pick a node send straight to its port. The last two tests take nodes away: a node is killed
 * (SIGKILL) in the middle of parallel pushes and pulls, then another drains on SIGTERM.
 *
 * <p>The nodes serve HTTPS with Berth's managed certificate, shared through PostgreSQL: the test trusts
 * only the CA the database holds, and HAProxy re-encrypts to every node verifying it ({@code ssl verify
 * required ca-file}), so a node serving another CA would fail its health checks and get no request.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ScaleOutIT {

    private static final Duration TIMEOUT = Duration.ofMinutes(5);
    private static final String BUCKET = "berth-scale-out";
    private static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    private static final String SERVICE = "berth-scale-out";
    private static final String ADMIN_PASSWORD = "scale-out-admin-1";
    private static final String SECRETS_KEY = Base64.getEncoder().encodeToString(
            "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
    private static EmbeddedPostgres postgres;
    private static S3ProxyServer s3;
    private static BerthProcess nodeA;
    private static BerthProcess nodeB;
    private static BerthProcess nodeC;
    private static WebhookReceiver webhooks;
    private static Process haproxy;
    /** HAProxy's own lines: which server went down or up, and why. */
    private static Path haproxyLog;
    private static String balancer;
    /** The cluster's CA, as the database holds it: the only certificate the test and HAProxy trust. */
    private static Path clusterCa;
    private static SSLContext trustingClusterCa;
    private static HttpClient https;
    /** Debian's docker-registry, the upstream of every node's pull-through cache under mirror/. */
    private static Process upstream;
    private static int upstreamPort;
    private static Path upstreamLog;

    @TempDir
    Path work;

    @BeforeAll
    static void start() throws Exception {
        Path root = Path.of("target", "scale-out-it").toAbsolutePath();
        WorkDirectories.deleteQuietly(root);
        postgres = EmbeddedPostgres.builder()
                .setDataDirectory(Files.createDirectories(root.resolve("postgres")))
                .setServerConfig("listen_addresses", "127.0.0.1")
                .start();
        s3 = S3ProxyServer.start(root.resolve("bucket"), null);
        s3.createBucket(BUCKET);
        webhooks = new WebhookReceiver();
        int port = BerthProcess.freePort();
        upstreamPort = BerthProcess.freePort();
        upstreamLog = root.resolve("upstream.log");
        upstream = DistributionRegistry.start(DistributionRegistry.writeConfig(root.resolve("upstream.yml"),
                root.resolve("upstream-storage"), upstreamPort, ""), upstreamLog, upstreamPort);
        Map<String, String> env = sharedEnvironment();
        // the nodes speak HTTPS, the balancer's front plain HTTP: clients must be sent to the front (token realm)
        env.put("REGISTRY_HTTP_HOST", "http://127.0.0.1:" + port);
        // every node delivers from the one outbox (SKIP LOCKED): endpoints come from the file only
        Path berthConfig = Files.writeString(root.resolve("berth.yml"), """
                version: 0.1
                notifications:
                  endpoints:
                    - name: receiver
                      url: %s
                      timeout: 60s
                      backoff: 300ms
                proxies:
                  - prefix: mirror
                    remoteurl: http://127.0.0.1:%d
                """.formatted(webhooks.url(), upstreamPort));
        String[] args = {"--config", berthConfig.toString()};
        // all at once, as an orchestrator rolls out replicas: Flyway's lock lets one of them migrate
        nodeA = BerthProcess.start(root.resolve("node-a"), BerthProcess.freePort(), env, args);
        nodeB = BerthProcess.start(root.resolve("node-b"), BerthProcess.freePort(), env, args);
        nodeC = BerthProcess.start(root.resolve("node-c"), BerthProcess.freePort(), env, args);
        // the CA of whichever node published first; every node must then serve a certificate it issued
        clusterCa = Files.writeString(root.resolve("cluster-ca.crt"), awaitClusterCa());
        trustingClusterCa = RegistryClient.trusting(clusterCa);
        https = HttpClient.newBuilder().sslContext(trustingClusterCa).version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
        for (BerthProcess node : nodes()) {
            awaitReadyOverTls(node);
        }
        // as deploy/docs/scale-out.md recommends: a node failing /health/ready (dead, draining) leaves the
        // rotation within a second; a request whose connection was refused goes to another node, and one
        // cut by a dying node is sent again, but for the upload's PATCH and closing PUT (not repeatable:
        // the client retries those). skopeo 1.9 gives up on a 502, which a cut POST got without this
        Path config = Files.writeString(root.resolve("haproxy.cfg"), """
                defaults
                  mode http
                  timeout connect 2s
                  timeout client 5m
                  timeout server 5m
                  retries 3
                  option redispatch 1
                  retry-on conn-failure empty-response response-timeout 502 503 504
                frontend registry
                  bind 127.0.0.1:%d
                  default_backend berth
                backend berth
                  balance roundrobin
                  option httpchk GET /health/ready
                  http-check expect status 200
                  http-request disable-l7-retry if { method PATCH } || { method PUT } { path_sub /blobs/uploads/ }
                  # a check waits for its answer longer than the interval: a busy node is slow, not gone
                  timeout check 5s
                  default-server check inter 500ms fall 2 rise 1 ssl verify required ca-file %s
                  server a 127.0.0.1:%d
                  server b 127.0.0.1:%d
                  server c 127.0.0.1:%d
                """.formatted(port, clusterCa, nodeA.port(), nodeB.port(), nodeC.port()));
        haproxy = new ProcessBuilder("haproxy", "-db", "-f", config.toString())
                .redirectErrorStream(true)
                .redirectOutput((haproxyLog = root.resolve("haproxy.log")).toFile())
                .start();
        awaitListening(port);
        balancer = "127.0.0.1:" + port;
        awaitBalancerServes();
    }

    @AfterAll
    static void stop() throws Exception {
        if (haproxy != null) {
            haproxy.destroy();
            haproxy.waitFor(30, TimeUnit.SECONDS);
        }
        for (BerthProcess node : new BerthProcess[]{nodeA, nodeB, nodeC}) {
            if (node != null) {
                node.close();
            }
        }
        if (webhooks != null) {
            webhooks.close();
        }
        if (s3 != null) {
            s3.close();
        }
        if (upstream != null) {
            DistributionRegistry.stop(upstream);
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    /** The same database, bucket and secrets key on every node. */
    private static Map<String, String> sharedEnvironment() {
        Map<String, String> env = new HashMap<>();
        // three boots at once on two busy cores take longer than one: the watchdog would end them
        env.put("REGISTRY_STARTUP_TIMEOUT", BerthProcess.READY_TIMEOUT.toSeconds() + "s");
        env.put("REGISTRY_AUTH", "token");
        env.put("REGISTRY_AUTH_TOKEN_SERVICE", SERVICE);
        env.put("REGISTRY_AUTH_BCRYPT_COST", "5");
        // made by whichever node creates the first user; the other finds it there
        env.put("BERTH_ADMIN_PASSWORD", ADMIN_PASSWORD);
        env.put("REGISTRY_DATABASE_URL", "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres");
        env.put("REGISTRY_DATABASE_USER", "postgres");
        env.put("REGISTRY_DATABASE_PASSWORD", "scale-out");
        env.put("REGISTRY_DATABASE_SECRETS_KEY", SECRETS_KEY);
        // each node makes a CA of its own before it boots; the first to reach the database publishes its own
        env.put("REGISTRY_HTTP_TLS_MANAGED", "true");
        env.put("REGISTRY_STORAGE", "s3");
        env.put("REGISTRY_STORAGE_S3_BUCKET", BUCKET);
        env.put("REGISTRY_STORAGE_S3_REGION", "us-east-1");
        env.put("REGISTRY_STORAGE_S3_REGIONENDPOINT", s3.endpoint().toString());
        env.put("REGISTRY_STORAGE_S3_FORCEPATHSTYLE", "true");
        env.put("REGISTRY_STORAGE_S3_ACCESSKEY", S3ProxyServer.ACCESS_KEY);
        env.put("REGISTRY_STORAGE_S3_SECRETKEY", S3ProxyServer.SECRET_KEY);
        env.put("REGISTRY_STORAGE_S3_ROOTDIRECTORY", "registry");
        return env;
    }

    private static void awaitListening(int port) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                assertThat(haproxy.isAlive()).as("haproxy running").isTrue();
                Thread.sleep(100);
            }
        }
        throw new AssertionError("haproxy does not listen on " + port);
    }

    /** skopeo's login to the balancer: it follows the Bearer challenge, its token comes from one node, its requests go to all. */
    private Path authFile() throws IOException {
        return Files.writeString(work.resolve("auth.json"), "{\"auths\":{\"" + balancer + "\":{\"auth\":\""
                + Base64.getEncoder().encodeToString(("admin:" + ADMIN_PASSWORD).getBytes(StandardCharsets.UTF_8))
                + "\"}}}");
    }

    /** Until the balancer's first health checks passed: before, it answers 503 (no node up yet). */
    private static void awaitBalancerServes() throws InterruptedException {
        RegistryClient through = RegistryClient.at("http://" + balancer);
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        int status;
        while ((status = through.get("/v2/").statusCode()) != 401) {
            assertThat(System.nanoTime() - deadline).as("the balancer answering /v2/, last " + status).isNegative();
            Thread.sleep(100);
        }
    }

    @Test
    void skopeoPushesAndPullsSeveralImagesInParallelThroughTheBalancerByteForByte() throws Exception {
        Path authFile = authFile();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> copies = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                int n = i;
                copies.add(pool.submit(() -> {
                    OciImageLayout source = OciImageLayout.create(work.resolve("source-" + n));
                    OciImageLayout.Blob image = source.image("amd64", 190 + n, 3_000_000 + n * 700_000, 200_000);
                    source.tag(image, "v1");
                    source.pushAndPullBack("v1", "docker://" + balancer + "/scale/parallel-" + n + ":v1",
                            work.resolve("pulled-" + n), TIMEOUT, List.of("--authfile", authFile.toString()));
                    return null;
                }));
            }
            for (Future<?> copy : copies) {
                copy.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        // the balancer spread the requests: each node's access log has some of them
        assertThat(nodeA.output()).containsPattern("(PUT|PATCH|POST) /v2/scale/parallel-\\d/");
        assertThat(nodeB.output()).containsPattern("(PUT|PATCH|POST) /v2/scale/parallel-\\d/");
    }

    @Test
    void aTagMovedThroughNodeAIsReadThroughNodeBInTheSameSecond() {
        RegistryClient a = direct(nodeA);
        RegistryClient b = direct(nodeB);
        String[] bearer = bearer(token(nodeA, "repository:scale/moving:pull,push"));
        String layer = a.pushBlobAs("scale/moving", "one layer".getBytes(StandardCharsets.UTF_8), bearer);
        for (int i = 0; i < 3; i++) {
            String config = a.pushBlobAs("scale/moving", ("{\"move\":" + i + "}").getBytes(StandardCharsets.UTF_8),
                    bearer);
            byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\",\"config\":{\"mediaType\":"
                    + "\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + config + "\",\"size\":"
                    + ("{\"move\":" + i + "}").length() + "},\"layers\":[{\"mediaType\":"
                    + "\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"" + layer + "\",\"size\":9}]}")
                    .getBytes(StandardCharsets.UTF_8);
            HttpResponse<byte[]> put = a.send("PUT", "/v2/scale/moving/manifests/latest", manifest,
                    "Content-Type", OCI_MANIFEST, bearer[0], bearer[1]);
            assertThat(put.statusCode()).as(RegistryClient.text(put)).isEqualTo(201);
            String digest = header(put, "Docker-Content-Digest");
            long moved = System.nanoTime();
            // B has the previous target in its manifest cache (read below): PostgreSQL's notification drops it
            String served;
            do {
                served = header(b.get("/v2/scale/moving/manifests/latest", "Accept", OCI_MANIFEST, bearer[0], bearer[1]),
                        "Docker-Content-Digest");
            } while (!digest.equals(served) && System.nanoTime() - moved < Duration.ofSeconds(1).toNanos());
            assertThat(served).as("move " + i + " read through node B").isEqualTo(digest);
        }
    }

    @Test
    void aChunkedUploadWhosePatchesAlternateNodesCompletes() {
        RegistryClient a = direct(nodeA);
        RegistryClient b = direct(nodeB);
        byte[] content = OciImageLayout.randomBytes(6_000_000, 211);
        String digest = RegistryClient.sha256(content);
        // issued by B, good on A too
        String[] bearer = bearer(token(nodeB, "repository:scale/chunked:pull,push"));
        HttpResponse<byte[]> started = a.send("POST", "/v2/scale/chunked/blobs/uploads/", null, bearer);
        assertThat(started.statusCode()).as(RegistryClient.text(started)).isEqualTo(202);
        String location = pathOf(header(started, "Location"));

        RegistryClient[] nodes = {b, a, b};
        int[] ends = {1_500_000, 3_100_000, 4_000_000};
        int offset = 0;
        for (int i = 0; i < ends.length; i++) {
            HttpResponse<byte[]> patch = nodes[i].send("PATCH", location, Arrays.copyOfRange(content, offset, ends[i]),
                    "Content-Range", offset + "-" + (ends[i] - 1), "Content-Type", "application/octet-stream",
                    bearer[0], bearer[1]);
            assertThat(patch.statusCode()).as("PATCH " + i).isEqualTo(202);
            assertThat(header(patch, "Range")).isEqualTo("0-" + (ends[i] - 1));
            location = pathOf(header(patch, "Location"));
            offset = ends[i];
        }
        HttpResponse<byte[]> put = a.send("PUT", location + (location.contains("?") ? "&" : "?") + "digest=" + digest,
                Arrays.copyOfRange(content, offset, content.length), "Content-Type", "application/octet-stream",
                bearer[0], bearer[1]);
        assertThat(put.statusCode()).isEqualTo(201);

        assertThat(b.head("/v2/scale/chunked/blobs/" + digest, bearer).headers().firstValueAsLong("Content-Length"))
                .hasValue(content.length);
        assertThat(blobThroughRedirect(b, "/v2/scale/chunked/blobs/" + digest, bearer)).isEqualTo(content);
    }

    @Test
    void aPatchToNodeBWhileNodeAStreamsIntoTheSameUploadIsRefusedAndTheUploadCompletes() throws Exception {
        RegistryClient a = direct(nodeA);
        RegistryClient b = direct(nodeB);
        StartedUpload upload = startUpload(b, nodeA, "scale/contended", 223);
        byte[] content = upload.content();
        String[] bearer = upload.bearer();
        String location = upload.location();

        // A's chunk: its first half goes out, then it waits until B has been answered
        CountDownLatch halfSent = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        int half = content.length / 2;
        String first = location;
        CompletableFuture<HttpResponse<byte[]>> streaming = CompletableFuture.supplyAsync(() -> a.sendStreamed(
                "PATCH", first, () -> new SequenceOfHalves(content, half, halfSent, release),
                "Content-Type", "application/octet-stream", bearer[0], bearer[1]));
        try {
            assertThat(halfSent.await(60, TimeUnit.SECONDS)).isTrue();
            Thread.sleep(3_000); // A has read the headers and holds the upload by now
            HttpResponse<byte[]> contended = b.send("PATCH", location, Arrays.copyOfRange(content, 0, 1000),
                    "Content-Range", "0-999", "Content-Type", "application/octet-stream", bearer[0], bearer[1]);
            assertThat(contended.statusCode()).as(RegistryClient.text(contended)).isEqualTo(416);
        } finally {
            release.countDown();
        }
        HttpResponse<byte[]> patched = streaming.get(2, TimeUnit.MINUTES);
        assertThat(patched.statusCode()).as(RegistryClient.text(patched)).isEqualTo(202);
        assertThat(header(patched, "Range")).isEqualTo("0-" + (content.length - 1));

        upload.complete(b, patched);
        assertThat(blobThroughRedirect(a, "/v2/scale/contended/blobs/" + upload.digest(), bearer)).isEqualTo(content);
    }

    /** A 2 MB blob upload begun on one node, with a push token from another, and how to complete it. */
    private record StartedUpload(byte[] content, String digest, String[] bearer, String location) {

        /** The PUT with the digest, to the Location the last PATCH answered, sent to {@code node}: 201. */
        void complete(RegistryClient node, HttpResponse<byte[]> lastPatch) {
            String last = pathOf(header(lastPatch, "Location"));
            HttpResponse<byte[]> put = node.send("PUT", last + (last.contains("?") ? "&" : "?") + "digest=" + digest,
                    null, bearer);
            assertThat(put.statusCode()).as(RegistryClient.text(put)).isEqualTo(201);
        }
    }

    private static StartedUpload startUpload(RegistryClient node, BerthProcess tokenFrom, String repository, int seed) {
        byte[] content = OciImageLayout.randomBytes(2_000_000, seed);
        String[] bearer = bearer(token(tokenFrom, "repository:" + repository + ":pull,push"));
        HttpResponse<byte[]> started = node.send("POST", "/v2/" + repository + "/blobs/uploads/", null, bearer);
        assertThat(started.statusCode()).as(RegistryClient.text(started)).isEqualTo(202);
        return new StartedUpload(content, RegistryClient.sha256(content), bearer, pathOf(header(started, "Location")));
    }

    /** The bytes of a blob GET, following Berth's redirect to S3 (a presigned URL: no Authorization) as clients do. */
    private static byte[] blobThroughRedirect(RegistryClient node, String path, String[] bearer) {
        HttpResponse<byte[]> get = node.get(path, bearer);
        if (get.statusCode() == 307) {
            get = node.get(header(get, "Location"));
        }
        assertThat(get.statusCode()).isEqualTo(200);
        return get.body();
    }

    @Test
    void aTokenIssuedByEitherNodeIsAcceptedByTheOther() {
        String scope = "repository:scale/tokens:pull,push";
        for (BerthProcess[] pair : new BerthProcess[][]{{nodeA, nodeB}, {nodeB, nodeA}}) {
            String[] bearer = bearer(token(pair[0], scope));
            RegistryClient other = direct(pair[1]);
            HttpResponse<byte[]> started = other.send("POST", "/v2/scale/tokens/blobs/uploads/", null, bearer);
            assertThat(started.statusCode()).as(RegistryClient.text(started)).isEqualTo(202);
        }
        HttpResponse<byte[]> without = direct(nodeB).send("POST", "/v2/scale/tokens/blobs/uploads/", null);
        assertThat(without.statusCode()).isEqualTo(401);
        assertThat(header(without, "WWW-Authenticate")).startsWith("Bearer ");
    }

    /**
     * Every node serves the certificate the database holds, issued by the one CA the test trusts; a
     * certificate generated from that CA and activated in the cluster (the admin UI's use cases on the
     * shared store, as a node runs them) is served by every node once it hears of it, without a
     * restart, and HAProxy, verifying every node with the CA, keeps sending to them.
     */
    @Test
    void everyNodeServesTheClustersCertificateAndOneActivatedInTheClusterWithoutRestart() throws Exception {
        String published = servedInDatabase();
        List<Long> pids = new ArrayList<>();
        for (BerthProcess node : nodes()) {
            assertThat(servedFingerprint(node)).as("node on " + node.port()).isEqualTo(published);
            pids.add(node.pid());
        }

        String activated;
        try (MetadataDatabase database = MetadataDatabase.open(new DatabaseSettings("external", "scale-out-it",
                "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres", "postgres", "scale-out", 2,
                SecretBox.ofBase64(SECRETS_KEY)))) {
            PostgresCertificateStore store = new PostgresCertificateStore(database);
            Clock clock = Clock.systemUTC();
            new GenerateCertificate(store, new BouncyCastleCertificateIssuer(), new LoggedAuditLog(), clock)
                    .signedByLocalAuthority(Administration.SYSTEM, Administration.LOCAL,
                            List.of(Hostname.parse("switched.scale-out.test")));
            activated = new ActivateCertificate(store, new LoggedAuditLog(), clock)
                    .activate(Administration.SYSTEM, Administration.LOCAL).sha256Fingerprint();
        }
        assertThat(activated).isNotEqualTo(published);
        for (BerthProcess node : nodes()) {
            long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            String served;
            while (!(served = servedFingerprint(node)).equals(activated)) {
                assertThat(System.nanoTime() - deadline).as("node on " + node.port() + " serving the activated"
                        + " certificate, still " + served).isNegative();
                Thread.sleep(100);
            }
            assertThat(node.output()).contains("TLS: serving the certificate activated in the cluster");
        }
        assertThat(nodes().stream().map(BerthProcess::pid).toList()).as("no node restarted").isEqualTo(pids);
        // the balancer verifies the new certificates with the same CA: every node keeps answering through it
        RegistryClient through = RegistryClient.at("http://" + balancer);
        for (int i = 0; i < 6; i++) {
            assertThat(through.get("/v2/").statusCode()).isEqualTo(401);
        }
    }

    /** The fingerprint of the served certificate the database holds. */
    private static String servedInDatabase() throws Exception {
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT chain FROM tls_certificate WHERE role = 'served'")) {
            assertThat(rs.next()).as("a served certificate in the database").isTrue();
            X509Certificate leaf = (X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(rs.getString(1).getBytes(StandardCharsets.US_ASCII)));
            return CertificateSummary.fingerprint(leaf);
        }
    }

    /**
     * The node killed is the one caught delivering a webhook batch (the receiver holds it unanswered),
     * so the test sees what Berth promises then: the batch comes again from another node, same ids.
     */
    @Test
    void threeNodesAskedForOneUncachedImageAtOnceFetchEachBlobFromTheUpstreamOnce() throws Exception {
        OciImageLayout source = OciImageLayout.create(work.resolve("mirrored"));
        OciImageLayout.Blob image = source.image("amd64", 303, 8_000_000, 6_000_000, 300_000);
        source.tag(image, "v1");
        Commands.ok(work, TIMEOUT, "skopeo", "copy", "--dest-tls-verify=false", "--preserve-digests",
                "oci:" + source.root() + ":v1", "docker://127.0.0.1:" + upstreamPort + "/library/app:v1");
        Path authFile = authFile();
        String manifests = "/v2/mirror/library/app/manifests/v1";
        // the upstream stopped (SIGSTOP) until every node waits on it, so that the three start their fetches together
        Commands.ok(work, TIMEOUT, "kill", "-STOP", String.valueOf(upstream.pid()));
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<?>> pulls = new ArrayList<>();
            for (BerthProcess node : nodes()) {
                String[] bearer = bearer(token(node, "repository:mirror/library/app:pull"));
                pulls.add(pool.submit(() -> {
                    HttpResponse<byte[]> response = direct(node).get(manifests,
                            "Accept", OCI_MANIFEST, bearer[0], bearer[1]);
                    assertThat(response.statusCode()).as(RegistryClient.text(response)).isEqualTo(200);
                    assertThat(response.body()).isEqualTo(source.read(image.digest()));
                    return null;
                }));
            }
            for (int i = 0; i < 3; i++) {
                Path pulled = work.resolve("mirror-pulled-" + i);
                pulls.add(pool.submit(() -> {
                    Commands.ok(work, TIMEOUT, "skopeo", "copy", "--src-tls-verify=false", "--authfile",
                            authFile.toString(), "docker://" + balancer + "/mirror/library/app:v1",
                            "oci:" + pulled + ":v1");
                    assertSameBlobs(source, OciImageLayout.create(pulled));
                    return null;
                }));
            }
            int waiting = awaitNodesAskingTheUpstream();
            Commands.ok(work, TIMEOUT, "kill", "-CONT", String.valueOf(upstream.pid()));
            assertThat(waiting).as("nodes waiting on the upstream at once").isEqualTo(3);
            for (Future<?> pull : pulls) {
                pull.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } finally {
            Commands.run(work, TIMEOUT, Map.of(), "kill", "-CONT", String.valueOf(upstream.pid()));
            pool.shutdownNow();
        }
        String log = Files.readString(upstreamLog);
        for (String digest : source.digests()) {
            if (digest.equals(image.digest())) {
                continue;
            }
            assertThat(Pattern.compile(Pattern.quote("\"GET /v2/library/app/blobs/" + digest + " HTTP/1.1\" 200"))
                    .matcher(log).results().count()).as("GETs of blob " + digest + " in the upstream's access log")
                    .isEqualTo(1);
        }
        long manifestGets = Pattern.compile(Pattern.quote("\"GET /v2/library/app/manifests/" + image.digest()))
                .matcher(log).results().count();
        System.out.println("ScaleOutIT: the upstream served the manifest " + manifestGets
                + " times (at most once per request that found the tag new; each blob once)");
    }

    /**
     * Until each node has a connection open to the stopped upstream (the kernel accepts it), for at most
     * 20 s, well within the 30 s a node waits for the upstream's answer; how many have.
     */
    private static int awaitNodesAskingTheUpstream() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        Set<Long> asking = new HashSet<>();
        while (asking.size() < 3 && System.nanoTime() < deadline) {
            Process ss = new ProcessBuilder("ss", "-Htnp", "state", "established", "( dport = :" + upstreamPort + " )")
                    .redirectErrorStream(true).start();
            String out = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            ss.waitFor();
            for (BerthProcess node : nodes()) {
                if (out.contains("pid=" + node.pid() + ",")) {
                    asking.add(node.pid());
                }
            }
            Thread.sleep(100);
        }
        return asking.size();
    }

    @Test
    void dockerPushesAndPullsThroughTheBalancer() throws Exception {
        String tag = balancer + "/scale/docker:v1";
        try (DockerDaemon docker = DockerDaemon.start()) {
            Commands.Result login = docker.login(balancer, "admin", ADMIN_PASSWORD);
            assertThat(login.exitCode()).as(login.output()).isZero();
            docker.loadImage(tag, 404);
            docker.ok("push", tag);
            String pushed = docker.ok("image", "inspect", "--format", "{{json .RepoDigests}}", tag);
            docker.ok("rmi", tag);
            docker.ok("pull", tag);
            assertThat(docker.ok("image", "inspect", "--format", "{{json .RepoDigests}}", tag)).isEqualTo(pushed);
        }
        int nodesServing = 0;
        for (BerthProcess node : nodes()) {
            nodesServing += node.output().contains(" /v2/scale/docker/") ? 1 : 0;
        }
        assertThat(nodesServing).as("nodes that served docker's requests").isGreaterThanOrEqualTo(2);
    }

    @Test
    @Order(Integer.MAX_VALUE - 1)
    void aNodeKilledInTheMiddleOfParallelPushesAndPullsLosesNothingPushedAndNoEvent() throws Exception {
        Path authFile = authFile();
        int images = 6;
        List<OciImageLayout> sources = new ArrayList<>();
        for (int i = 0; i < images; i++) {
            OciImageLayout source = OciImageLayout.create(work.resolve("killed-source-" + i));
            source.tag(source.image("amd64", 300 + i, 2_000_000 + i * 400_000, 150_000), "v1");
            sources.add(source);
        }
        ExecutorService pool = Executors.newFixedThreadPool(images);
        List<Future<Integer>> runs = new ArrayList<>();
        boolean killedMidRun;
        BerthProcess victim;
        WebhookReceiver.Hold held;
        try {
            for (int i = 0; i < images; i++) {
                OciImageLayout source = sources.get(i);
                String remote = "docker://" + balancer + "/scale/killed-" + i + ":v1";
                Path pulled = work.resolve("killed-pulled-" + i);
                runs.add(pool.submit(() -> copyRetrying(authFile, "oci:" + source.root() + ":v1", remote)
                        + copyRetrying(authFile, remote, "oci:" + OciImageLayout.create(pulled).root() + ":v1")));
            }
            // once the nodes answered part of this run, with the rest of it in flight: the next webhook
            // delivery is held, and its sender (it holds the endpoint's row lock) is killed in the middle
            awaitLogged(Pattern.compile("(PUT|PATCH|POST) /v2/scale/killed-\\d/"));
            held = webhooks.holdNext();
            try {
                assertThat(held.arrived.await(2, TimeUnit.MINUTES)).as("a delivery during the run").isTrue();
                victim = nodeHoldingTheEndpoint();
                killedMidRun = runs.stream().anyMatch(run -> !run.isDone());
                long logged = Files.size(haproxyLog);
                victim.kill();
                // HAProxy stops sending to it: its health check finds nobody listening
                awaitBalancerLogged(logged, "Server berth/" + serverName(victim) + " is DOWN");
            } finally {
                held.release.countDown();
            }
            int attempts = 0;
            for (Future<Integer> run : runs) {
                attempts += run.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
            System.out.printf("ScaleOutIT: %d skopeo copies took %d runs of skopeo (each with --retry-times)%n",
                    2 * images, attempts);
        } finally {
            pool.shutdownNow();
        }
        assertThat(killedMidRun).as("a node killed while copies ran").isTrue();
        assertThat(victim.alive()).isFalse();

        // nothing pushed is lost: every tag pulls byte for byte through the nodes left
        for (int i = 0; i < images; i++) {
            OciImageLayout again = OciImageLayout.create(work.resolve("killed-again-" + i));
            copyRetrying(authFile, "docker://" + balancer + "/scale/killed-" + i + ":v1", "oci:" + again.root() + ":v1");
            assertSameBlobs(sources.get(i), again);
        }

        // no event lost: every event in the outbox reached the receiver; one sent again after the kill
        // (its delivery cut before it was recorded) carries the same id and the same content
        awaitOutboxDelivered();
        Map<String, String> stored = storedEvents();
        Map<String, Set<String>> received = new LinkedHashMap<>();
        int deliveries = 0;
        for (JsonObject event : webhooks.received()) {
            received.computeIfAbsent(WebhookReceiver.text(event, "id"), id -> new HashSet<>()).add(event.toString());
            deliveries++;
        }
        assertThat(received.keySet()).containsExactlyInAnyOrderElementsOf(stored.keySet());
        received.forEach((id, copies) -> assertThat(copies).as("deliveries of event " + id).hasSize(1));
        List<String> heldIds = held.delivery.events().stream().map(e -> WebhookReceiver.text(e, "id")).toList();
        Map<String, Long> timesReceived = new HashMap<>();
        webhooks.received().forEach(e -> timesReceived.merge(WebhookReceiver.text(e, "id"), 1L, Long::sum));
        for (String id : heldIds) {
            assertThat(timesReceived.get(id)).as("event %s of the batch cut by the kill, sent again", id)
                    .isGreaterThanOrEqualTo(2);
        }
        for (int i = 0; i < images; i++) {
            String repository = "scale/killed-" + i;
            assertThat(stored.values()).as("push event of " + repository + ":v1")
                    .anyMatch(e -> e.contains("\"action\":\"push\"") && e.contains("\"repository\":\"" + repository + "\"")
                            && e.contains("\"tag\":\"v1\""));
        }
        System.out.printf("ScaleOutIT: %d events, %d deliveries of them (%d sent again)%n", stored.size(), deliveries,
                deliveries - stored.size());
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void aNodeDrainingOnSigtermIsNotReadyFinishesTheChunkItIsReceivingThenStops() throws Exception {
        // two of the nodes the kill left: "drained" gets SIGTERM, "staying" finishes what it began
        List<BerthProcess> alive = nodes().stream().filter(BerthProcess::alive).toList();
        assertThat(alive).hasSizeGreaterThanOrEqualTo(2);
        BerthProcess drained = alive.get(1);
        BerthProcess staying = alive.get(0);
        RegistryClient a = direct(staying);
        RegistryClient b = direct(drained);
        StartedUpload upload = startUpload(b, staying, "scale/drained", 229);
        byte[] content = upload.content();
        String[] bearer = upload.bearer();
        String location = upload.location();

        // B receives the first half of a chunk, then SIGTERM arrives
        CountDownLatch halfSent = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<HttpResponse<byte[]>> streaming = CompletableFuture.supplyAsync(() -> b.sendStreamed(
                "PATCH", location, () -> new SequenceOfHalves(content, content.length / 2, halfSent, release),
                "Content-Type", "application/octet-stream", bearer[0], bearer[1]));
        try {
            assertThat(halfSent.await(60, TimeUnit.SECONDS)).isTrue();
            awaitUploadInProgress(drained);
            long logged = Files.size(haproxyLog);
            drained.terminate();
            HttpResponse<String> ready = awaitReadiness(drained, 503);
            assertThat(ready.body()).contains("serving");
            assertThat(drained.alive()).as("the node waits for the chunk in flight").isTrue();
            // the balancer takes it out of rotation for its 503, while the chunk is still in flight
            awaitBalancerLogged(logged, "Server berth/" + serverName(drained)
                    + " is DOWN, reason: Layer7 wrong status, code: 503");
            assertThat(drained.alive()).isTrue();
        } finally {
            release.countDown();
        }
        HttpResponse<byte[]> patched = streaming.get(2, TimeUnit.MINUTES);
        assertThat(patched.statusCode()).as(RegistryClient.text(patched)).isEqualTo(202);
        assertThat(header(patched, "Range")).isEqualTo("0-" + (content.length - 1));
        assertThat(drained.awaitExit(Duration.ofSeconds(90))).isEqualTo(143);
        assertThat(drained.output()).contains("SIGTERM: draining");

        // the upload the drained node received completes on the one left, also through the balancer
        upload.complete(a, patched);
        RegistryClient throughBalancer = RegistryClient.at("http://" + balancer);
        for (int i = 0; i < 6; i++) {
            assertThat(blobThroughRedirect(throughBalancer, "/v2/scale/drained/blobs/" + upload.digest(), bearer))
                    .isEqualTo(content);
        }
    }

    /** skopeo copy with its own retries; run again (as a CI job would) if those were not enough. @return the runs */
    private int copyRetrying(Path authFile, String from, String to) throws IOException, InterruptedException {
        for (int run = 1; ; run++) {
            Commands.Result result = Commands.run(work, TIMEOUT, Map.of(), "skopeo", "copy", "--authfile",
                    authFile.toString(), "--retry-times", "3", "--src-tls-verify=false", "--dest-tls-verify=false",
                    "--preserve-digests", from, to);
            if (result.exitCode() == 0) {
                return run;
            }
            System.out.println("ScaleOutIT: skopeo copy " + from + " " + to + " failed, run " + run + ":\n"
                    + result.output());
            assertThat(run).as("runs of skopeo copy " + from + " " + to).isLessThan(3);
        }
    }

    private static void assertSameBlobs(OciImageLayout source, OciImageLayout pulled) throws IOException {
        try (var blobs = Files.list(source.root().resolve("blobs/sha256"))) {
            for (Path blob : blobs.toList()) {
                Path copy = pulled.root().resolve("blobs/sha256").resolve(blob.getFileName());
                assertThat(copy).as("blob " + blob.getFileName()).exists();
                assertThat(Files.readAllBytes(copy)).as("blob " + blob.getFileName()).isEqualTo(Files.readAllBytes(blob));
            }
        }
    }

    /** Until a node logs a line matching {@code line}. */
    private static void awaitLogged(Pattern line) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            for (BerthProcess node : nodes()) {
                if (line.matcher(node.output()).find()) {
                    return;
                }
            }
            assertThat(System.nanoTime() - deadline).as("waiting for " + line + " in a log").isNegative();
            Thread.sleep(50);
        }
    }

    /** The node's server in HAProxy's configuration: a, b or c. */
    private static String serverName(BerthProcess node) {
        return String.valueOf("abc".charAt(nodes().indexOf(node)));
    }

    /** Until HAProxy's log, from byte {@code from} on, has {@code line}. */
    private static void awaitBalancerLogged(long from, String line) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (true) {
            byte[] log = Files.readAllBytes(haproxyLog);
            if (new String(log, (int) from, log.length - (int) from, StandardCharsets.UTF_8).contains(line)) {
                return;
            }
            assertThat(System.nanoTime() - deadline).as("HAProxy logging " + line).isNegative();
            Thread.sleep(50);
        }
    }

    private static List<BerthProcess> nodes() {
        return List.of(nodeA, nodeB, nodeC);
    }

    /**
     * The node whose transaction holds the webhook endpoint's row lock while it waits for the receiver
     * ({@code FOR UPDATE}: a RowShareLock on the table, idle in transaction): PostgreSQL knows its
     * connection's port, {@code ss} the process that owns that port.
     */
    private static BerthProcess nodeHoldingTheEndpoint() throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (true) {
            List<Integer> ports = new ArrayList<>();
            try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("""
                         SELECT a.client_port FROM pg_locks l JOIN pg_class t ON t.oid = l.relation
                         JOIN pg_stat_activity a ON a.pid = l.pid
                         WHERE t.relname = 'notification_endpoint' AND l.mode = 'RowShareLock'
                         AND a.state = 'idle in transaction'""")) {
                while (rs.next()) {
                    ports.add(rs.getInt(1));
                }
            }
            if (ports.size() == 1) {
                String owner = Commands.ok(haproxyLog.getParent(), Duration.ofSeconds(30), "ss", "-tnpH",
                        "sport = :" + ports.getFirst());
                Matcher pid = Pattern.compile("pid=(\\d+)").matcher(owner);
                if (pid.find()) {
                    for (BerthProcess node : nodes()) {
                        if (node.pid() == Long.parseLong(pid.group(1))) {
                            return node;
                        }
                    }
                }
            }
            assertThat(System.nanoTime() - deadline).as("the node delivering, from " + ports).isNegative();
            Thread.sleep(50);
        }
    }

    /** Until the outbox has nothing left to send (the nodes left deliver what the killed one had claimed). */
    private static void awaitOutboxDelivered() throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT count(*) FROM event_delivery WHERE delivered_at IS NULL")) {
                rs.next();
                if (rs.getLong(1) == 0) {
                    return;
                }
                assertThat(System.nanoTime() - deadline).as(rs.getLong(1) + " events still queued").isNegative();
            }
            Thread.sleep(200);
        }
    }

    /** Every event the nodes committed (its JSON), by its id. */
    private static Map<String, String> storedEvents() throws SQLException {
        Map<String, String> events = new HashMap<>();
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT payload FROM event")) {
            while (rs.next()) {
                String payload = rs.getString(1);
                JsonObject event = (JsonObject) Json.parse(payload.getBytes(StandardCharsets.UTF_8));
                events.put(WebhookReceiver.text(event, "id"), payload);
            }
        }
        return events;
    }

    /** Until the node's metrics show an upload request being received (its handler holds the upload). */
    private static void awaitUploadInProgress(BerthProcess node) throws IOException, InterruptedException {
        Pattern one = Pattern.compile("(?m)^berth_uploads_in_progress(\\{\\})? 1(\\.0)?$");
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (!one.matcher(get(node, "/metrics").body()).find()) {
            assertThat(System.nanoTime() - deadline).as("an upload in progress on " + node.port()).isNegative();
            Thread.sleep(50);
        }
    }

    private static HttpResponse<String> awaitReadiness(BerthProcess node, int status)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (true) {
            HttpResponse<String> ready = get(node, "/health/ready");
            if (ready.statusCode() == status) {
                return ready;
            }
            assertThat(System.nanoTime() - deadline).as("/health/ready answering " + status).isNegative();
            Thread.sleep(50);
        }
    }

    /** A token from {@code node}'s own /token endpoint for the administrator. */
    private static String token(BerthProcess node, String scope) {
        HttpResponse<byte[]> response = direct(node).get("/token?service=" + SERVICE + "&scope=" + scope,
                AuthBerth.basic("admin", ADMIN_PASSWORD));
        assertThat(response.statusCode()).as(RegistryClient.text(response)).isEqualTo(200);
        Matcher token = Pattern.compile("\"token\"\\s*:\\s*\"([^\"]+)\"")
                .matcher(RegistryClient.text(response));
        assertThat(token.find()).as(RegistryClient.text(response)).isTrue();
        return token.group(1);
    }

    private static String[] bearer(String token) {
        return new String[]{"Authorization", "Bearer " + token};
    }

    /** Path and query of a Location, absolute or not: the tests send it to the node they choose. */
    private static String pathOf(String location) {
        URI uri = URI.create(location);
        return uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    }

    /** Straight to a node over HTTPS, trusting the cluster's CA only, in HTTP/1.1 as registry clients speak it. */
    private static RegistryClient direct(BerthProcess node) {
        return RegistryClient.https("https://127.0.0.1:" + node.port(), trustingClusterCa);
    }

    private static HttpResponse<String> get(BerthProcess node, String path) throws IOException, InterruptedException {
        return https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + node.port() + path))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The CA certificate (PEM) in the database, once a node has published one. */
    private static String awaitClusterCa() throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + BerthProcess.READY_TIMEOUT.toNanos();
        while (true) {
            try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT chain FROM tls_certificate WHERE role = 'authority'")) {
                if (rs.next()) {
                    return rs.getString(1);
                }
            } catch (SQLException notMigratedYet) {
                // no tls_certificate table before a node has migrated
            }
            for (BerthProcess node : nodes()) {
                assertThat(node.alive()).as("node on " + node.port() + " running").isTrue();
            }
            assertThat(System.nanoTime() - deadline).as("a CA published to the database").isNegative();
            Thread.sleep(200);
        }
    }

    /**
     * Until the node answers /v2/ and is ready, over TLS trusting the cluster's CA only: a node still
     * serving the CA it made itself fails the handshake, and must not say it is ready meanwhile.
     */
    private static void awaitReadyOverTls(BerthProcess node) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + BerthProcess.READY_TIMEOUT.toNanos();
        while (true) {
            assertThat(node.alive()).as("node on " + node.port() + " running:\n" + node.output()).isTrue();
            try {
                if (get(node, "/v2/").statusCode() == 401 && get(node, "/health/ready").statusCode() == 200) {
                    return;
                }
            } catch (IOException notListeningOrNotAdoptedYet) {
                // keep polling
            }
            assertThat(System.nanoTime() - deadline).as("node on " + node.port() + " ready over TLS").isNegative();
            Thread.sleep(200);
        }
    }

    /** The SHA-256 fingerprint of the certificate a node presents to a client that trusts the cluster's CA only. */
    private static String servedFingerprint(BerthProcess node) throws IOException {
        try (SSLSocket socket = (SSLSocket) trustingClusterCa.getSocketFactory()
                .createSocket(InetAddress.getLoopbackAddress(), node.port())) {
            socket.setSoTimeout(30_000);
            socket.startHandshake();
            return CertificateSummary.fingerprint((X509Certificate) socket.getSession().getPeerCertificates()[0]);
        }
    }

    /** A body that sends its first {@code half} bytes, then blocks until released. */
    private static final class SequenceOfHalves extends InputStream {
        private final ByteArrayInputStream head;
        private final ByteArrayInputStream tail;
        private final CountDownLatch halfSent;
        private final CountDownLatch release;

        SequenceOfHalves(byte[] content, int half, CountDownLatch halfSent, CountDownLatch release) {
            this.head = new ByteArrayInputStream(content, 0, half);
            this.tail = new ByteArrayInputStream(content, half, content.length - half);
            this.halfSent = halfSent;
            this.release = release;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = head.read(buffer, offset, length);
            if (n >= 0) {
                return n;
            }
            halfSent.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            return tail.read(buffer, offset, length);
        }
    }
}
