package dev.berth.adapters.http.testserver;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.berth.adapters.http.tls.BouncyCastleCertificateIssuer;
import dev.berth.adapters.http.tls.BouncyCastlePemCodec;
import dev.berth.application.tls.CertificateIssuer;
import dev.berth.application.tls.Hostname;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An external token issuer's JWK set, served over HTTPS on 127.0.0.1 as {@code /.well-known/jwks.json}
 * with a certificate of a test authority of its own (trust it with {@link #caPem()}). Tests change
 * what it publishes and count what it was asked.
 */
public final class JwksServer implements AutoCloseable {

    public static final String PATH = "/.well-known/jwks.json";
    private static final BouncyCastleCertificateIssuer CERTIFICATES = new BouncyCastleCertificateIssuer();

    private final HttpsServer server;
    private final X509Certificate authority;
    private final AtomicInteger requests = new AtomicInteger();
    private volatile byte[] body;
    private volatile int status = 200;

    private JwksServer(String json) throws IOException, GeneralSecurityException {
        this.body = json.getBytes(StandardCharsets.UTF_8);
        Instant now = Instant.now();
        KeyPair caKeys = CERTIFICATES.newKeyPair(CertificateIssuer.KeyType.EC_P256);
        authority = CERTIFICATES.certificateAuthority(caKeys, "test issuer authority", now.minus(Duration.ofDays(1)),
                now.plus(Duration.ofDays(30)));
        KeyPair keys = CERTIFICATES.newKeyPair(CertificateIssuer.KeyType.EC_P256);
        X509Certificate leaf = CERTIFICATES.serverCertificate(keys, "127.0.0.1", List.of(Hostname.parse("127.0.0.1")),
                now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)),
                new CertificateIssuer.KeyedChain(caKeys.getPrivate(), List.of(authority)));
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        char[] password = "test".toCharArray();
        store.setKeyEntry("jwks", keys.getPrivate(), password, new X509Certificate[]{leaf, authority});
        KeyManagerFactory managers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        managers.init(store, password);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(managers.getKeyManagers(), null, null);

        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.createContext(PATH, exchange -> {
            requests.incrementAndGet();
            byte[] answer = body;
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, status == 200 ? answer.length : -1);
            if (status == 200) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(answer);
                }
            }
            exchange.close();
        });
        server.start();
    }

    /** Serves {@code json} (a JWK set) until told otherwise. */
    public static JwksServer start(String json) {
        try {
            return new JwksServer(json);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot start the JWKS server", e);
        }
    }

    public URI url() {
        return URI.create("https://127.0.0.1:" + server.getAddress().getPort() + PATH);
    }

    /** The test authority that signed the server's certificate, PEM encoded. */
    public String caPem() {
        return new BouncyCastlePemCodec().encode(List.of(authority));
    }

    public void publish(String json) {
        body = json.getBytes(StandardCharsets.UTF_8);
        status = 200;
    }

    /** Answers every request with {@code code} and no body (an issuer in trouble). */
    public void fail(int code) {
        status = code;
    }

    /** Requests for the JWK set so far. */
    public int requests() {
        return requests.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
