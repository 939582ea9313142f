package dev.berth.adapters.http;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12, SSRF: a webhook goes to the configured URL and nowhere else. A receiver that answers
 * with a redirect cannot send Berth (and the endpoint's credentials) on to another address.
 */
class JdkWebhookSenderTest {

    private HttpServer configured;
    private HttpServer elsewhere;

    @AfterEach
    void stop() {
        configured.stop(0);
        elsewhere.stop(0);
    }

    @Test
    void aRedirectIsNotFollowed() throws Exception {
        AtomicInteger reachedElsewhere = new AtomicInteger();
        elsewhere = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        elsewhere.createContext("/", exchange -> {
            reachedElsewhere.incrementAndGet();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        elsewhere.start();
        AtomicInteger reachedConfigured = new AtomicInteger();
        configured = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        configured.createContext("/", exchange -> {
            reachedConfigured.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().add("Location",
                    "http://127.0.0.1:" + elsewhere.getAddress().getPort() + "/latest/meta-data/");
            exchange.sendResponseHeaders(307, -1);
            exchange.close();
        });
        configured.start();

        int status = new JdkWebhookSender().post(URI.create("http://127.0.0.1:" + configured.getAddress().getPort() + "/hook"),
                Map.of("Authorization", List.of("Bearer webhook-secret")), "{}".getBytes(StandardCharsets.UTF_8),
                Duration.ofSeconds(5), Optional.empty());

        assertThat(status).isEqualTo(307);
        assertThat(reachedConfigured).hasValue(1);
        assertThat(reachedElsewhere).hasValue(0);
    }
}
