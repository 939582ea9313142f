package dev.berth.deploy.launcher;

import com.sun.net.httpserver.HttpServer;
import dev.berth.deploy.config.BerthConfig;
import dev.berth.deploy.config.ConfigLoader;
import dev.berth.deploy.config.HttpAddress;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class HealthCommandTest {

    @Test
    void readyOnlyWhenTheReadinessCheckAnswers200() throws Exception {
        AtomicInteger status = new AtomicInteger(200);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/health/ready", exchange -> {
            byte[] body = ("{\"status\":\"" + (status.get() == 200 ? "UP" : "DOWN") + "\"}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status.get(), body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            BerthConfig config = config("127.0.0.1:" + server.getAddress().getPort());
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertThat(HealthCommand.run(config, new PrintStream(out, true, StandardCharsets.UTF_8)))
                    .isEqualTo(HealthCommand.READY);
            assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("ready: http://127.0.0.1:");

            status.set(503);
            out.reset();
            assertThat(HealthCommand.run(config, new PrintStream(out, true, StandardCharsets.UTF_8)))
                    .isEqualTo(HealthCommand.NOT_READY);
            assertThat(out.toString(StandardCharsets.UTF_8)).contains("answered 503", "DOWN");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aBerthThatIsNotListeningIsNotReady() throws Exception {
        int port;
        try (var socket = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(HealthCommand.run(config("127.0.0.1:" + port), new PrintStream(out, true, StandardCharsets.UTF_8)))
                .isEqualTo(HealthCommand.NOT_READY);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("unreachable");
    }

    @Test
    void aBerthOnEveryInterfaceIsAskedOverLoopbackAndHttpsIsSpokenWhenConfigured() {
        assertThat(HealthCommand.readinessUri(HttpAddress.parse(":5000"), false))
                .hasToString("http://127.0.0.1:5000/health/ready");
        assertThat(HealthCommand.readinessUri(HttpAddress.parse("[::1]:5443"), true))
                .hasToString("https://[::1]:5443/health/ready");
    }

    private static BerthConfig config(String addr) throws Exception {
        return ConfigLoader.load(Optional.empty(), Map.of("REGISTRY_HTTP_ADDR", addr));
    }
}
