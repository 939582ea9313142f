package dev.berth.deploy.system;

import dev.berth.adapters.db.DatabaseSettings;
import dev.berth.adapters.db.MetadataDatabase;
import dev.berth.adapters.db.PostgresCertificateStore;
import dev.berth.adapters.http.tls.BouncyCastleCertificateIssuer;
import dev.berth.adapters.http.tls.LoggedAuditLog;
import dev.berth.application.access.Administration;
import dev.berth.application.tls.ActivateCertificate;
import dev.berth.application.tls.CertificateSummary;
import dev.berth.application.tls.GenerateCertificate;
import dev.berth.application.tls.Hostname;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * HTTPS served by Berth itself with its managed certificate (local CA + server certificate), driven
 * by real clients: openssl for the protocol floor, docker with the CA in /etc/docker/certs.d,
 * skopeo and podman with --cert-dir, and a certificate switch under a connected client with no restart.
 */
class TlsIT {

    private static final Duration TIMEOUT = Duration.ofMinutes(5);
    private static final Duration BOOT = Duration.ofMinutes(8);
    private static Path work;
    private static BerthProcess berth;
    private static Path caFile;
    private static String host;
    private static int databasePort;

    @BeforeAll
    static void startBerthWithManagedTls() throws Exception {
        work = Files.createTempDirectory("berth-tls-");
        databasePort = BerthProcess.freePort();
        berth = BerthProcess.start(work, BerthProcess.freePort(),
                Map.of("REGISTRY_HTTP_TLS_MANAGED", "true", "REGISTRY_HTTP_TLS_HOSTNAMES", "registry.test",
                        "REGISTRY_DATABASE_EMBEDDED_PORT", String.valueOf(databasePort)));
        host = "localhost:" + berth.port();
        caFile = work.resolve("berth-data/tls/ca.crt");
        long deadline = System.nanoTime() + BOOT.toNanos();
        while (true) {
            assertThat(berth.alive()).as("Berth exited early").isTrue();
            try {
                if (Files.exists(caFile) && https("/v2/").statusCode() == 200) {
                    break;
                }
            } catch (IOException notYet) {
                // not listening, or the WAR still deploying
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Berth did not serve HTTPS within " + BOOT + ":\n" + berth.output());
            }
            Thread.sleep(500);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (berth != null) {
            berth.close();
        }
        delete(work);
    }

    @Test
    void theMetricsReportTheServedCertificatesDaysToExpiry() throws Exception {
        String fingerprint;
        try (SSLSocket socket = connect()) {
            fingerprint = fingerprint(socket);
        }
        HttpResponse<String> metrics = https("/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        List<String> samples = metrics.body().lines().filter(l -> l.startsWith("berth_tls_certificate_expiry_days{"))
                .toList();
        assertThat(samples).as(metrics.body()).hasSize(1);
        String sample = samples.getFirst();
        assertThat(sample).contains("fingerprint=\"" + fingerprint + "\"").contains("subject=\"");
        // the managed server certificate is valid for 397 days (LocalAuthority.SERVER_VALIDITY) and was just made
        assertThat(Double.parseDouble(sample.substring(sample.lastIndexOf(' ') + 1))).isBetween(390.0, 397.0);
    }

    @Test
    void onlyTls12And13WithForwardSecrecyAndTheCaVerifiesTheServer() throws Exception {
        // the client offers TLS 1.1 (security level 0 allows it); Berth hangs up
        assertThat(openssl("-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0").output()).contains("Cipher is (NONE)");
        assertThat(openssl("-tls1_2").output()).containsPattern("New, TLSv1.2, Cipher is ECDHE-ECDSA-(AES128|AES256|CHACHA20)");
        assertThat(openssl("-tls1_3").output()).contains("New, TLSv1.3, Cipher is TLS_");
        // TLS 1.2 without forward secrecy or with CBC is not offered
        assertThat(openssl("-tls1_2", "-cipher", "AES128-SHA:AES256-SHA256:ECDHE-ECDSA-AES128-SHA256").output())
                .contains("Cipher is (NONE)");
        assertThat(openssl("-tls1_3", "-CAfile", caFile.toString(), "-verify_return_error", "-verify_hostname", "localhost")
                .output()).contains("Verify return code: 0 (ok)");
        assertThat(openssl("-tls1_3", "-CAfile", caFile.toString(), "-verify_return_error", "-verify_hostname", "registry.test")
                .output()).contains("Verify return code: 0 (ok)");
        HttpResponse<String> base = https("/v2/");
        assertThat(base.headers().firstValue("Docker-Distribution-API-Version")).hasValue("registry/2.0");
        // the JDK client offers h2 first; Berth answers in HTTP/1.1 (HttpsSetup says why)
        assertThat(base.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
    }

    @Test
    void skopeoAndPodmanTrustBerthThroughTheirCertDirectory() throws Exception {
        Path certs = work.resolve("client-certs");
        Files.createDirectories(certs);
        Files.copy(caFile, certs.resolve("ca.crt"));
        OciImageLayout source = OciImageLayout.create(work.resolve("layout-skopeo"));
        OciImageLayout.Blob image = source.image("amd64", 41, 300_000, 70_000);
        source.tag(image, "v1");
        String remote = "docker://" + host + "/tls/skopeo:v1";

        Commands.Result untrusted = Commands.run(work, TIMEOUT, Map.of(), "skopeo", "inspect", "--raw", remote);
        assertThat(untrusted.exitCode()).isNotZero();
        assertThat(untrusted.output()).contains("certificate signed by unknown authority");

        Commands.ok(work, TIMEOUT, "skopeo", "copy", "--dest-cert-dir", certs.toString(), "oci:" + source.root() + ":v1", remote);
        assertThat(Commands.ok(work, TIMEOUT, "skopeo", "inspect", "--raw", "--cert-dir", certs.toString(), remote))
                .contains("\"layers\"");

        String[] podman = {"podman", "--root", work.resolve("podman/root").toString(), "--runroot",
                work.resolve("podman/run").toString(), "--storage-driver", "vfs", "--events-backend", "file",
                "--cgroup-manager", "cgroupfs"};
        Commands.ok(work, TIMEOUT, concat(podman, "pull", "--cert-dir", certs.toString(), host + "/tls/skopeo:v1"));
        Commands.ok(work, TIMEOUT, concat(podman, "tag", host + "/tls/skopeo:v1", host + "/tls/podman:v1"));
        Commands.ok(work, TIMEOUT, concat(podman, "push", "--cert-dir", certs.toString(), host + "/tls/podman:v1"));
        assertThat(https("/v2/tls/podman/tags/list").body()).contains("\"v1\"");
    }

    @Test
    void dockerPushesAndPullsOverHttpsWithTheCaInCertsD() throws Exception {
        Path certsD = Path.of("/etc/docker/certs.d", host);
        Path dir = work.resolve("docker");
        Files.createDirectories(dir);
        Process dockerd = null;
        try {
            Files.createDirectories(certsD);
            Files.copy(caFile, certsD.resolve("ca.crt"));
            Path socket = dir.resolve("docker.sock");
            dockerd = new ProcessBuilder("dockerd", "--storage-driver=vfs", "--iptables=false", "--ip6tables=false",
                    "--bridge=none", "--host=unix://" + socket, "--data-root=" + dir.resolve("data"),
                    "--exec-root=" + dir.resolve("exec"), "--pidfile=" + dir.resolve("docker.pid"))
                    .redirectErrorStream(true).redirectOutput(dir.resolve("dockerd.log").toFile()).start();
            Map<String, String> env = Map.of("DOCKER_HOST", "unix://" + socket, "DOCKER_CONFIG", dir.resolve("config").toString());
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (Commands.run(dir, TIMEOUT, env, "docker", "version").exitCode() != 0) {
                if (!dockerd.isAlive() || System.nanoTime() > deadline) {
                    throw new AssertionError("dockerd did not start:\n" + Files.readString(dir.resolve("dockerd.log")));
                }
                Thread.sleep(500);
            }
            OciImageLayout source = OciImageLayout.create(dir.resolve("layout"));
            source.tag(source.image("amd64", 43, 500_000, 80_000), "v1");
            Path archive = dir.resolve("image.tar");
            Commands.ok(dir, TIMEOUT, "skopeo", "copy", "oci:" + source.root() + ":v1", "docker-archive:" + archive + ":tls/docker:v1");
            Commands.ok(dir, TIMEOUT, env, "docker", "load", "-i", archive.toString());
            String imageId = Commands.ok(dir, TIMEOUT, env, "docker", "image", "inspect", "--format", "{{.Id}}", "tls/docker:v1").trim();
            String remote = host + "/tls/docker:v1";
            Commands.ok(dir, TIMEOUT, env, "docker", "tag", "tls/docker:v1", remote);
            String push = Commands.ok(dir, TIMEOUT, env, "docker", "push", remote);
            Matcher pushed = Pattern.compile("digest: (sha256:[0-9a-f]{64})").matcher(push);
            assertThat(pushed.find()).as(push).isTrue();
            Commands.ok(dir, TIMEOUT, env, "docker", "rmi", remote, "tls/docker:v1");
            Commands.ok(dir, TIMEOUT, env, "docker", "pull", remote);
            assertThat(Commands.ok(dir, TIMEOUT, env, "docker", "image", "inspect", "--format", "{{.Id}}", remote).trim())
                    .isEqualTo(imageId);
            // Berth's port speaks nothing but TLS, so docker cannot have fallen back to plain HTTP
            assertThat(Commands.run(dir, TIMEOUT, Map.of(), "curl", "-sS", "-o", "/dev/null",
                    "http://" + host + "/v2/").exitCode()).isNotZero();
        } finally {
            if (dockerd != null) {
                List<ProcessHandle> children = dockerd.descendants().toList();
                dockerd.destroy();
                if (!dockerd.waitFor(60, TimeUnit.SECONDS)) {
                    dockerd.destroyForcibly();
                }
                children.forEach(ProcessHandle::destroy);
            }
            delete(certsD);
        }
    }

    @Test
    void anActivatedCertificateServesNewConnectionsWithoutRestart() throws Exception {
        long pid = berth.pid();
        try (SSLSocket open = connect()) {
            String before = fingerprint(open);
            assertThat(request(open)).startsWith("HTTP/1.1 200");

            // the admin UI's use cases, generate then activate, on the certificates in the embedded database
            // (sealed with Berth's secrets key): Berth hears of the change and copies it to the files it serves
            CertificateSummary activated;
            try (MetadataDatabase database = MetadataDatabase.open(new DatabaseSettings("embedded", "test",
                    "jdbc:postgresql://127.0.0.1:" + databasePort + "/postgres", "postgres",
                    BerthProcess.embeddedDatabasePassword(work), 2, BerthProcess.secrets(work)))) {
                PostgresCertificateStore store = new PostgresCertificateStore(database);
                assertThat(store.served()).as("the first start published its certificate").isPresent();
                Clock clock = Clock.systemUTC();
                new GenerateCertificate(store, new BouncyCastleCertificateIssuer(), new LoggedAuditLog(), clock)
                        .signedByLocalAuthority(Administration.SYSTEM, Administration.LOCAL,
                                List.of(Hostname.parse("switched.test"), Hostname.parse("registry.test")));
                activated = new ActivateCertificate(store, new LoggedAuditLog(), clock)
                        .activate(Administration.SYSTEM, Administration.LOCAL);
            }

            long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            while (true) {
                try (SSLSocket fresh = connect()) {
                    String served = fingerprint(fresh);
                    if (served.equals(activated.sha256Fingerprint())) {
                        assertThat(request(fresh)).startsWith("HTTP/1.1 200");
                        break;
                    }
                    assertThat(served).as("still the old certificate").isEqualTo(before);
                }
                assertThat(System.nanoTime() - deadline).as("the activated certificate served").isNegative();
                Thread.sleep(100);
            }
            // the connection made before the switch keeps its certificate and still works
            assertThat(fingerprint(open)).isEqualTo(before);
            assertThat(request(open)).startsWith("HTTP/1.1 200");
            assertThat(openssl("-tls1_3", "-CAfile", caFile.toString(), "-verify_return_error", "-verify_hostname",
                    "switched.test").output()).contains("Verify return code: 0 (ok)");
        }
        assertThat(berth.alive()).isTrue();
        assertThat(berth.pid()).isEqualTo(pid);
        assertThat(berth.output()).doesNotContain("Berth cannot start");
    }

    private static Commands.Result openssl(String... options) throws Exception {
        String[] command = concat(new String[] {"openssl", "s_client", "-connect", "127.0.0.1:" + berth.port(),
                "-servername", "localhost"}, options);
        // s_client reads stdin: an empty file makes it close after the handshake
        Path empty = Files.createTempFile(work, "stdin-", "");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectInput(empty.toFile());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Commands.Result(process.exitValue(), output);
    }

    private static SSLContext trustingBerth() throws Exception {
        return RegistryClient.trusting(caFile);
    }

    private static HttpResponse<String> https(String path) throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(trustingBerth()).connectTimeout(Duration.ofSeconds(5)).build();
        return client.send(HttpRequest.newBuilder(URI.create("https://" + host + path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static SSLSocket connect() throws Exception {
        SSLSocket socket = (SSLSocket) trustingBerth().getSocketFactory()
                .createSocket(InetAddress.getLoopbackAddress(), berth.port());
        socket.setSoTimeout(30_000);
        socket.startHandshake();
        return socket;
    }

    private static String fingerprint(SSLSocket socket) throws IOException {
        return CertificateSummary.fingerprint((X509Certificate) socket.getSession().getPeerCertificates()[0]);
    }

    /** One keep-alive HTTP/1.1 GET /v2/ on the socket; returns the status line. */
    private static String request(SSLSocket socket) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(("GET /v2/ HTTP/1.1\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
        String status = in.readLine();
        int length = 0;
        for (String line; (line = in.readLine()) != null && !line.isEmpty(); ) {
            if (line.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(line.substring("content-length:".length()).trim());
            }
        }
        for (int i = 0; i < length; i++) {
            in.read();
        }
        return status;
    }

    private static String[] concat(String[] first, String... rest) {
        return Stream.concat(Stream.of(first), Stream.of(rest)).toArray(String[]::new);
    }

    private static void delete(Path directory) throws IOException {
        if (directory == null || !Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
