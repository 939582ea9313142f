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

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
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

/**
 * The token server of an upstream registry with {@code auth: token} (the Docker token spec), on loopback:
 * it grants the requested scopes to one user's basic credentials, 401 to anyone else, as ES256 JWTs
 * with the signing certificate in {@code x5c}, which the upstream trusts through its {@code rootcertbundle}.
 */
final class UpstreamTokenServer implements AutoCloseable {

    private final HttpServer server;
    private final String user;
    private final String basic;
    private final String service;
    private final String issuer;
    private final KeyPair signer;
    private final X509Certificate certificate;
    /** The User-Agent and the scopes of each token issued. */
    private final List<String> issued = new CopyOnWriteArrayList<>();

    private UpstreamTokenServer(String user, String password, String service, String issuer) throws Exception {
        this.user = user;
        this.basic = "Basic " + java.util.Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        this.service = service;
        this.issuer = issuer;
        BouncyCastleCertificateIssuer certificates = new BouncyCastleCertificateIssuer();
        this.signer = certificates.newKeyPair(CertificateIssuer.KeyType.EC_P256);
        Instant now = Instant.now();
        this.certificate = certificates.certificateAuthority(signer, "test token signer", now.minus(Duration.ofDays(1)),
                now.plus(Duration.ofDays(30)));
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/token", this::token);
    }

    static UpstreamTokenServer start(String user, String password, String service, String issuer) throws Exception {
        UpstreamTokenServer tokens = new UpstreamTokenServer(user, password, service, issuer);
        tokens.server.start();
        return tokens;
    }

    /** The upstream's {@code auth.token.realm}. */
    String realm() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
    }

    /** The signing certificate, for the upstream's {@code auth.token.rootcertbundle}. */
    String certificatePem() {
        return new BouncyCastlePemCodec().encode(List.of(certificate));
    }

    /** "User-Agent [access...]" of each token issued so far. */
    List<String> issued() {
        return List.copyOf(issued);
    }

    private void token(HttpExchange exchange) throws IOException {
        if (!basic.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
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
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(issuer).subject(user).audience(service)
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

    @Override
    public void close() {
        server.stop(0);
    }
}
