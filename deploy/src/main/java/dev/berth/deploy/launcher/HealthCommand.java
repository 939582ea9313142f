package dev.berth.deploy.launcher;

import dev.berth.deploy.config.BerthConfig;
import dev.berth.deploy.config.HttpAddress;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;

/**
 * {@code java -jar berth.jar health}: asks the Berth this configuration describes whether it is
 * ready ({@code GET /health/ready} on {@code http.addr}, over loopback when Berth listens on every
 * interface), for container health checks and supervisors: Berth's image carries no curl. It runs
 * before Payara Micro would boot, so it costs a JVM start and one request.
 */
final class HealthCommand {

    static final int READY = 0;
    static final int NOT_READY = 1;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private HealthCommand() {
    }

    static int run(BerthConfig config, PrintStream out) {
        URI uri = readinessUri(config.http(), config.tls().enabled());
        HttpClient.Builder client = HttpClient.newBuilder().connectTimeout(TIMEOUT);
        if (uri.getScheme().equals("https")) {
            // a status read over loopback, sending nothing: the served certificate names the public
            // host, not the loopback address this probe dials
            System.setProperty("jdk.internal.httpclient.disableHostnameVerification", "true");
            client.sslContext(acceptingAnyCertificate());
        }
        try (HttpClient http = client.build()) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200) {
                out.println("ready: " + uri);
                return READY;
            }
            out.println("not ready: " + uri + " answered " + response.statusCode() + " " + response.body().strip());
            return NOT_READY;
        } catch (IOException e) {
            out.println("not ready: " + uri + " unreachable (" + e + ")");
            return NOT_READY;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return NOT_READY;
        }
    }

    static URI readinessUri(HttpAddress http, boolean tls) {
        String host = http.allInterfaces() ? "127.0.0.1" : http.host();
        return URI.create((tls ? "https" : "http") + "://" + (host.contains(":") ? "[" + host + "]" : host) + ":"
                + http.port() + "/health/ready");
    }

    private static SSLContext acceptingAnyCertificate() {
        TrustManager anyCertificate = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
                // never asked: the probe is the client
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
                // the probe reads a status from its own host and sends nothing
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[]{anyCertificate}, new SecureRandom());
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
