package dev.berth.deploy.system;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * berth.war on a full Payara Server 7, deployed as an operator deploys it (deploy/docs/deployment.md,
 * "Payara Server"): the distribution zip from Maven Central, unpacked by the build with exousia 3.0.1
 * in place of the bundled 3.0.0-M3; {@code asadmin create-domain} on free ports; a pre-boot command
 * file that binds every listener to 127.0.0.1, turns Hazelcast and JMS off and puts a certificate of
 * our own (with 127.0.0.1 in its subject alternative names) on the HTTPS listener http-listener-2;
 * {@code asadmin start-domain} with Berth's REGISTRY_* variables (one naming a config.yml) in its
 * environment, which the server JVM inherits; {@code asadmin deploy --contextroot /}. Through the server's HTTPS listener a Java
 * client and skopeo, both verifying the certificate, push and pull images byte for byte (every digest
 * URL has a colon: exousia 3.0.0-M3 answers those with 503). Then {@code asadmin undeploy} stops the
 * embedded PostgreSQL and {@code asadmin stop-domain} the server. One domain start, one deploy.
 */
class PayaraServerIT {

    private static final Duration TIMEOUT = Duration.ofMinutes(8);
    private static final String LISTENER = "configs.config.server-config.network-config.network-listeners.network-listener.";
    private static final String CONFIG = "configs.config.server-config.";
    /** What create-domain --portbase adds for each listener and service (admin 48, HTTP 80, HTTPS 81, ...). */
    private static final int[] PORT_OFFSETS = {9, 37, 38, 39, 48, 49, 59, 66, 76, 80, 81, 86};

    @TempDir
    Path work;
    private Path asadmin;
    private Map<String, String> asadminEnvironment;

    @Test
    void warDeployedWithAsadminServesPushAndPullThroughTheServersHttpsListener() throws Exception {
        Path war = BerthProcess.jar().resolveSibling("berth.war");
        Path payara = Path.of(System.getProperty("payara.server.dir", "missing"));
        asadmin = payara.resolve("bin/asadmin");
        assertThat(war).exists();
        assertThat(asadmin).isExecutable();
        try (JarFile exousia = new JarFile(payara.resolve("glassfish/modules/exousia.jar").toFile())) {
            assertThat(exousia.getManifest().getMainAttributes().getValue("Implementation-Version")).isEqualTo("3.0.1");
        }
        Path javaHome = Path.of(BerthProcess.javaExecutable()).getParent().getParent();
        // AS_JAVA: the JDK asadmin and the server run on. JAVA_TOOL_OPTIONS: every JVM started here (asadmin, keytool,
        // the server) with C1 only, as the other system tests boot Berth: the server then spends about a quarter less
        // CPU up to a deployed Berth (55 s instead of 74 s, measured on the 2-core machine)
        asadminEnvironment = Map.of("AS_JAVA", javaHome.toString(), "JAVA_TOOL_OPTIONS", String.join(" ", BerthProcess.QUICK_BOOT));
        Path domains = work.resolve("domains");
        Path domain = domains.resolve("berth");
        Path data = work.resolve("registry-data");
        long started = System.nanoTime();

        int portBase = freePortBase();
        String adminPort = String.valueOf(portBase + 48);
        int httpsPort = portBase + 81;
        asadmin("create-domain", "--domaindir", domains.toString(), "--portbase", String.valueOf(portBase), "--nopassword", "berth");
        log(started, "create-domain");

        // the HTTPS listener's certificate: a key pair of our own in the domain's keystore (password: the
        // master password, "changeit" unless create-domain was given another), exported for the clients
        Path certs = Files.createDirectories(work.resolve("certs"));
        Path certificate = certs.resolve("ca.crt");
        String keytool = javaHome.resolve("bin/keytool").toString();
        Path keystore = domain.resolve("config/keystore.p12");
        Commands.ok(work, TIMEOUT, asadminEnvironment, keytool, "-genkeypair", "-alias", "berth", "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=localhost", "-ext", "san=ip:127.0.0.1,dns:localhost",
                "-validity", "30", "-keystore", keystore.toString(), "-storepass", "changeit");
        Commands.ok(work, TIMEOUT, asadminEnvironment, keytool, "-exportcert", "-rfc", "-alias", "berth",
                "-keystore", keystore.toString(), "-storepass", "changeit", "-file", certificate.toString());

        Path preBoot = Files.writeString(work.resolve("pre-boot-commands.asadmin"), String.join("\n",
                "set " + LISTENER + "http-listener-1.address=127.0.0.1",
                "set " + LISTENER + "http-listener-1.enabled=false",
                "set " + LISTENER + "http-listener-2.address=127.0.0.1",
                "set " + LISTENER + "admin-listener.address=127.0.0.1",
                "set " + CONFIG + "network-config.protocols.protocol.http-listener-2.ssl.cert-nickname=berth",
                "set " + CONFIG + "iiop-service.iiop-listener.orb-listener-1.address=127.0.0.1",
                "set " + CONFIG + "iiop-service.iiop-listener.SSL.address=127.0.0.1",
                "set " + CONFIG + "iiop-service.iiop-listener.SSL_MUTUALAUTH.address=127.0.0.1",
                "set " + CONFIG + "admin-service.jmx-connector.system.address=127.0.0.1",
                "set " + CONFIG + "hazelcast-config-specific-configuration.enabled=false",
                // a new domain.xml has no jms-service element for server-config until the JMS module adds its default
                // (EMBEDDED, jms-host "localhost", which its port proxy binds as 0.0.0.0); list-jms-hosts adds it now
                "list-jms-hosts",
                "set " + CONFIG + "jms-service.type=DISABLED",
                "set " + CONFIG + "jms-service.jms-host.default_JMS_host.host=127.0.0.1", ""));

        Optional<ProcessHandle> server = Optional.empty();
        try {
            Map<String, String> serverEnvironment = new HashMap<>(asadminEnvironment);
            // Berth's configuration, in start-domain's environment, which the server inherits: REGISTRY_* variables,
            // one of them naming a config.yml. (A system property set by a boot command, create-system-properties
            // berth.config=…, reaches the JVM only at the next start.)
            // open (auth: none): this test is about the server, its listeners and clients; logins are BasicAuthIT's
            Path config = Files.writeString(work.resolve("config.yml"),
                    "version: 0.1\nauth: none\nstorage:\n  delete:\n    enabled: true\n");
            serverEnvironment.put("REGISTRY_CONFIGURATION_PATH", config.toString());
            serverEnvironment.put("REGISTRY_DATA_DIRECTORY", data.toString());
            Commands.ok(work, TIMEOUT, serverEnvironment, asadmin.toString(), "--interactive=false", "start-domain",
                    "--domaindir", domains.toString(), "--prebootcommandfile", preBoot.toString(), "berth");
            server = ProcessHandle.of(Long.parseLong(Files.readString(domain.resolve("config/pid")).strip()));
            assertThat(server).as("the server's process").isPresent();
            log(started, "start-domain");
            asadmin("--host", "127.0.0.1", "--port", adminPort, "deploy", "--contextroot", "/", "--name", "berth", war.toString());
            log(started, "deploy (server CPU so far " + server.get().info().totalCpuDuration().map(Duration::toSeconds).orElse(-1L) + " s)");

            List<String> listening = new ArrayList<>(Processes.listeningAddresses(server.get().pid()));
            for (ProcessHandle child : server.get().descendants().toList()) {
                listening.addAll(Processes.listeningAddresses(child.pid()));
            }
            assertThat(listening).as("the server and its embedded PostgreSQL listen on loopback only, without plain HTTP")
                    .contains("127.0.0.1:" + httpsPort, "127.0.0.1:" + adminPort)
                    .doesNotContain("127.0.0.1:" + (portBase + 80))
                    .allSatisfy(address -> assertThat(address).matches("(127\\.0\\.0\\.1|::1):\\d+"));

            RegistryClient registry = RegistryClient.https("https://127.0.0.1:" + httpsPort, RegistryClient.trusting(certificate));
            assertThat(RegistryClient.header(registry.get("/v2/"), "Docker-Distribution-API-Version")).isEqualTo("registry/2.0");
            String health = RegistryClient.text(registry.get("/health/ready"));
            assertThat(JsonFields.checkStatus(health, "database")).isEqualTo("UP");
            assertThat(JsonFields.checkStatus(health, "storage")).isEqualTo("UP");
            assertThat(Files.readString(domain.resolve("logs/server.log")))
                    .as("a failed boot command is only logged").doesNotContainPattern("Boot Command \\S+ failed")
                    .contains("config:   " + config + " + environment")
                    .contains("storage:  filesystem " + data.resolve("registry") + " (deletes enabled)");

            // Java: blobs, then the manifest by digest and by tag; each read back by digest
            OciImageLayout pushed = OciImageLayout.create(work.resolve("pushed"));
            OciImageLayout.Blob image = pushed.image("amd64", 81, 700_000, 60_000);
            for (String digest : pushed.digests()) {
                if (!digest.equals(image.digest())) {
                    registry.pushBlob("payara/java", pushed.read(digest));
                }
            }
            for (String reference : List.of(image.digest(), "v1")) {
                HttpResponse<byte[]> put = registry.send("PUT", "/v2/payara/java/manifests/" + reference,
                        pushed.read(image.digest()), "Content-Type", OciImageLayout.OCI_MANIFEST);
                assertThat(put.statusCode()).as("PUT manifest " + reference + ": " + RegistryClient.text(put)).isEqualTo(201);
            }
            assertServesByDigest(registry, "payara/java", pushed, image);
            log(started, "Java push and pull");

            // skopeo, which refuses the listener's certificate until given it: pulls what Java pushed, pushes an image
            String remote = "docker://127.0.0.1:" + httpsPort;
            Commands.Result untrusted = Commands.run(work, TIMEOUT, Map.of(), "skopeo", "inspect", "--raw", remote + "/payara/java:v1");
            assertThat(untrusted.exitCode()).isNotZero();
            assertThat(untrusted.output()).contains("certificate signed by unknown authority");
            OciImageLayout pulled = OciImageLayout.create(work.resolve("pulled"));
            Commands.ok(work, TIMEOUT, "skopeo", "copy", "--src-cert-dir", certs.toString(), remote + "/payara/java:v1",
                    "oci:" + pulled.root() + ":v1");
            assertThat(pulled.digests()).containsAll(pushed.digests());
            for (String digest : pushed.digests()) {
                assertThat(pulled.read(digest)).as(digest).isEqualTo(pushed.read(digest));
            }
            OciImageLayout bySkopeo = OciImageLayout.create(work.resolve("skopeo"));
            OciImageLayout.Blob second = bySkopeo.image("amd64", 82, 500_000);
            bySkopeo.tag(second, "v1");
            Commands.ok(work, TIMEOUT, "skopeo", "copy", "--dest-cert-dir", certs.toString(), "--preserve-digests",
                    "oci:" + bySkopeo.root() + ":v1", remote + "/payara/skopeo:v1");
            assertServesByDigest(registry, "payara/skopeo", bySkopeo, second);
            log(started, "skopeo push and pull");

            asadmin("--host", "127.0.0.1", "--port", adminPort, "undeploy", "berth");
            assertThat(Processes.runningFrom(data.resolve("run/postgres-binaries")))
                    .as("the embedded PostgreSQL after undeploy").isEmpty();
            asadmin("stop-domain", "--domaindir", domains.toString(), "berth");
            assertThat(server.get().onExit().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).isAlive())
                    .as("the server after stop-domain").isFalse();
            log(started, "undeploy and stop-domain");
        } finally {
            if (server.isEmpty() && Files.exists(domain.resolve("config/pid"))) {
                server = ProcessHandle.of(Long.parseLong(Files.readString(domain.resolve("config/pid")).strip()));
            }
            server.ifPresent(PayaraServerIT::kill);
            Processes.runningFrom(data.resolve("run/postgres-binaries")).forEach(PayaraServerIT::kill);
        }
    }

    private void asadmin(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(asadmin.toString(), "--interactive=false"));
        command.addAll(List.of(arguments));
        Commands.ok(work, TIMEOUT, asadminEnvironment, command.toArray(String[]::new));
    }

    /** Every blob of {@code layout} and its manifest, fetched by digest (a URL with a colon), byte for byte. */
    private static void assertServesByDigest(RegistryClient registry, String repository, OciImageLayout layout,
            OciImageLayout.Blob manifest) throws IOException {
        for (String digest : layout.digests()) {
            String path = "/v2/" + repository + (digest.equals(manifest.digest()) ? "/manifests/" : "/blobs/") + digest;
            HttpResponse<byte[]> got = registry.get(path, "Accept", manifest.mediaType());
            assertThat(got.statusCode()).as("GET " + path).isEqualTo(200);
            assertThat(got.body()).as("GET " + path).isEqualTo(layout.read(digest));
        }
    }

    /**
     * A create-domain --portbase whose ports are all free on loopback, below the ephemeral range
     * (32768 and up) from which the other system tests' {@link BerthProcess#freePort()} draws.
     */
    private static int freePortBase() {
        for (int attempt = 0; attempt < 50; attempt++) {
            int base = 100 * ThreadLocalRandom.current().nextInt(200, 320);
            if (IntStream.of(PORT_OFFSETS).allMatch(offset -> free(base + offset))) {
                return base;
            }
        }
        throw new AssertionError("no free port base for a Payara domain between 20000 and 32000");
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException inUse) {
            return false;
        }
    }

    private static void kill(ProcessHandle process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.onExit().join();
    }

    private static void log(long started, String step) {
        System.out.printf("PayaraServerIT: %s done at %.1f s%n", step, (System.nanoTime() - started) / 1e9);
    }
}
