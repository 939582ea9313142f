package dev.berth.deploy.system;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.util.Base64;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.berth.adapters.http.tls.BouncyCastleCertificateIssuer;
import dev.berth.adapters.http.tls.BouncyCastlePemCodec;
import dev.berth.application.tls.CertificateIssuer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Berth as a pull-through cache of Debian's docker-registry with {@code auth: token}: the test runs the
 * token server on loopback, issuing ES256 JWTs (the signing certificate in {@code x5c}) that the
 * upstream trusts through its {@code rootcertbundle}, to callers with the mirror's credentials only.
 * skopeo pulls through Berth byte for byte what was pushed upstream; Berth fetched its tokens with the
 * configured credentials.
 */
class PullThroughTokenAuthIT {

    private static final Duration TIMEOUT = Duration.ofMinutes(3);
    private static final String USER = "mirror";
    private static final String PASSWORD = "token-secret-2";
    private static final String SERVICE = "upstream-registry";
    private static final String ISSUER = "test-token-server";
    private static final String BASIC = "Basic " + java.util.Base64.getEncoder()
            .encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));

    private static Path work;
    private static int upstreamPort;
    private static Process upstream;
    private static HttpServer tokens;
    private static KeyPair signer;
    private static X509Certificate certificate;
    /** The User-Agent and the scopes of each token issued. */
    private static final List<String> issued = new CopyOnWriteArrayList<>();
    private static BerthProcess berth;

    @BeforeAll
    static void start() throws Exception {
        work = Files.createDirectories(Path.of("target", "pull-through-token").toAbsolutePath());
        WorkDirectories.deleteQuietly(work);
        Files.createDirectories(work);
        BouncyCastleCertificateIssuer issuer = new BouncyCastleCertificateIssuer();
        signer = issuer.newKeyPair(CertificateIssuer.KeyType.EC_P256);
        Instant now = Instant.now();
        certificate = issuer.certificateAuthority(signer, "test token signer", now.minus(Duration.ofDays(1)),
                now.plus(Duration.ofDays(30)));
        Path bundle = Files.writeString(work.resolve("token-bundle.pem"),
                new BouncyCastlePemCodec().encode(List.of(certificate)));

        tokens = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        tokens.createContext("/token", PullThroughTokenAuthIT::token);
        tokens.start();
        upstreamPort = BerthProcess.freePort();
        DistributionRegistry.writeConfig(work.resolve("upstream.yml"), work.resolve("upstream-storage"), upstreamPort, """
                auth:
                  token:
                    realm: http://127.0.0.1:%d/token
                    service: %s
                    issuer: %s
                    rootcertbundle: %s
                """.formatted(tokens.getAddress().getPort(), SERVICE, ISSUER, bundle));
        upstream = DistributionRegistry.start(work.resolve("upstream.yml"), work.resolve("upstream.log"), upstreamPort);

        Path config = Files.writeString(work.resolve("berth.yml"), """
                proxies:
                  - prefix: hub
                    remoteurl: http://127.0.0.1:%d
                    username: %s
                    password: %s
                """.formatted(upstreamPort, USER, PASSWORD));
        berth = BerthProcess.start(work.resolve("berth"), BerthProcess.freePort(), Map.of(), "--config", config.toString());
        berth.awaitReady(BerthProcess.READY_TIMEOUT);
    }

    @AfterAll
    static void stop() throws Exception {
        if (upstream != null && upstream.isAlive()) {
            DistributionRegistry.stop(upstream);
        }
        if (tokens != null) {
            tokens.stop(0);
        }
        if (berth != null) {
            assertThat(berth.output()).as("the upstream's password is never logged").doesNotContain(PASSWORD);
            berth.close();
        }
    }

    /** The Docker token spec: the requested scopes granted to the mirror's credentials, 401 to anyone else. */
    private static void token(HttpExchange exchange) throws IOException {
        if (!BASIC.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            respond(exchange, 401, "{}");
            return;
        }
        List<Map<String, Object>> access = new ArrayList<>();
        String query = exchange.getRequestURI().getRawQuery();
        for (String parameter : query == null ? new String[0] : query.split("&")) {
            String[] pair = parameter.split("=", 2);
            if (pair[0].equals("scope") && pair.length == 2) {
                // repository:library/app:pull,push
                String[] scope = URLDecoder.decode(pair[1], StandardCharsets.UTF_8).split(":");
                access.add(Map.of("type", scope[0], "name", scope[1],
                        "actions", Arrays.asList(scope[2].split(","))));
            }
        }
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(ISSUER).subject(USER).audience(SERVICE)
                .jwtID(UUID.randomUUID().toString()).issueTime(Date.from(now)).notBeforeTime(Date.from(now.minusSeconds(5)))
                .expirationTime(Date.from(now.plusSeconds(300))).claim("access", access).build();
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).type(JOSEObjectType.JWT)
                    .x509CertChain(List.of(Base64.encode(certificate.getEncoded()))).build(), claims);
            jwt.sign(new ECDSASigner((ECPrivateKey) signer.getPrivate()));
            issued.add(exchange.getRequestHeaders().getFirst("User-Agent") + " " + access);
            respond(exchange, 200, "{\"token\":\"" + jwt.serialize() + "\",\"expires_in\":300}");
        } catch (Exception e) {
            respond(exchange, 500, "{}");
        }
    }

    private static void respond(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Test
    void skopeoPullsThroughBerthByteForByteWhatTheTokenUpstreamHolds() throws Exception {
        OciImageLayout source = OciImageLayout.create(work.resolve("source"));
        OciImageLayout.Blob image = source.image("amd64", 61, 900_000, 100_000);
        source.tag(image, "v1");
        Commands.ok(work, TIMEOUT, "skopeo", "copy", "--dest-tls-verify=false", "--preserve-digests",
                "--dest-creds", USER + ":" + PASSWORD, "oci:" + source.root() + ":v1",
                "docker://127.0.0.1:" + upstreamPort + "/library/app:v1");
        assertThat(RegistryClient.at("http://127.0.0.1:" + upstreamPort).get("/v2/library/app/tags/list").statusCode())
                .as("the upstream asks for a token").isEqualTo(401);

        OciImageLayout pulled = OciImageLayout.create(work.resolve("pulled"));
        Commands.ok(work, TIMEOUT, "skopeo", "copy", "--src-tls-verify=false",
                "docker://127.0.0.1:" + berth.port() + "/hub/library/app:v1", "oci:" + pulled.root() + ":v1");
        assertThat(pulled.digests()).containsExactlyElementsOf(source.digests());
        for (String digest : source.digests()) {
            assertThat(pulled.read(digest)).as(digest).isEqualTo(source.read(digest));
        }
        assertThat(issued).as("Berth asked the token server with the mirror's credentials, for pulls only")
                .anySatisfy(token -> assertThat(token).startsWith("Berth pull-through cache")
                        .contains("name=library/app").contains("actions=[pull]"));
        String listed = Commands.ok(work, TIMEOUT, "skopeo", "list-tags", "--tls-verify=false",
                "docker://127.0.0.1:" + berth.port() + "/hub/library/app");
        assertThat(listed).contains("\"v1\"");
    }
}
