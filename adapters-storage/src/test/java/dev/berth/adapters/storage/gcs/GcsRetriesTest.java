package dev.berth.adapters.storage.gcs;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.berth.adapters.storage.layout.KeyLayout;
import dev.berth.domain.Digest;
import dev.berth.domain.DigestAlgorithm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The GCS driver's retries and timeouts over real HTTP, on the client library's own transport,
 * against a loopback server that stands in for the GCS JSON API only as far as these checks need:
 * {@code objects.get} of one object's metadata (its size), 404 for any other, the errors GCS words
 * as JSON, or no answer at all. It checks the driver's retry and timeout handling, not GCS
 * semantics, which no server here can (see deploy/docs/storage.md). The library waits a random time
 * up to 0.2, 0.4 and 0.8 s between attempts (gax's full jitter), so the waits grow only on average
 * and are not asserted one by one.
 */
class GcsRetriesTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final Duration SHORT_TIMEOUT = Duration.ofSeconds(1);
    private static final Digest STORED = Digest.of(DigestAlgorithm.SHA256, "hello".getBytes(StandardCharsets.UTF_8));

    private HttpServer server;
    private final List<Long> arrivals = new CopyOnWriteArrayList<>();
    private final AtomicInteger failures = new AtomicInteger();
    private volatile int failureStatus;
    private volatile boolean silent;
    private final CountDownLatch closing = new CountDownLatch(1);

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::answer);
        server.start();
    }

    @AfterEach
    void stop() {
        closing.countDown();
        server.stop(0);
    }

    @ParameterizedTest
    @ValueSource(ints = {503, 429, 500})
    void aFewServerErrorsAreRetriedAndTheCallSucceeds(int status) throws IOException {
        GcsBlobStore store = store(TIMEOUT);
        failNext(GcsBlobStore.ATTEMPTS - 1, status);

        assertThat(store.size(STORED)).hasValue(5);

        assertThat(arrivals).hasSize(GcsBlobStore.ATTEMPTS);
    }

    @Test
    void aMissingObjectIsAnsweredAtOnce() throws IOException {
        GcsBlobStore store = store(TIMEOUT);

        assertThat(store.size(Digest.of(DigestAlgorithm.SHA256, new byte[0]))).isEmpty();

        assertThat(arrivals).hasSize(1);
    }

    @Test
    void aStoreThatKeepsFailingGivesAStorageErrorAfterItsAttempts() throws IOException {
        GcsBlobStore store = store(TIMEOUT);
        failNext(Integer.MAX_VALUE, 503);
        long started = System.nanoTime();

        assertThatThrownBy(() -> store.size(STORED)).isExactlyInstanceOf(IOException.class)
                .hasMessage("Google Cloud Storage could not look up " + STORED + " in gs://berth (HTTP 503, backendError)");

        assertThat(arrivals).hasSize(GcsBlobStore.ATTEMPTS);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));

        failNext(0, 503);
        assertThat(store.size(STORED)).as("the same instance serves again").hasValue(5);
    }

    @Test
    void aStoreThatStopsAnsweringFailsWithinTheTimeoutInsteadOfHanging() throws IOException {
        GcsBlobStore store = store(SHORT_TIMEOUT);
        silent = true;
        long started = System.nanoTime();

        assertThatThrownBy(() -> store.size(STORED)).isExactlyInstanceOf(IOException.class)
                .hasMessageContaining("Google Cloud Storage could not look up");

        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(arrivals).as("a timeout is retried as well").hasSize(GcsBlobStore.ATTEMPTS);
        assertThat(took).isGreaterThanOrEqualTo(SHORT_TIMEOUT)
                .isLessThan(SHORT_TIMEOUT.multipliedBy(GcsBlobStore.ATTEMPTS).plus(Duration.ofSeconds(10)));

        silent = false;
        assertThat(store.size(STORED)).hasValue(5);
    }

    private GcsBlobStore store(Duration timeout) {
        return GcsBlobStore.open("berth", Optional.empty(),
                Optional.of(URI.create("http://127.0.0.1:" + server.getAddress().getPort())), "", 256 * 1024, timeout);
    }

    private void failNext(int count, int status) {
        failureStatus = status;
        failures.set(count);
    }

    private void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            arrivals.add(System.nanoTime());
            if (silent) {
                closing.await();
                return;
            }
            if (failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                int status = failureStatus;
                String reason = switch (status) {
                    case 429 -> "rateLimitExceeded";
                    case 503 -> "backendError";
                    default -> "internalError";
                };
                respond(exchange, status, error(status, reason, "We encountered an internal error. Please try again."));
                return;
            }
            String objects = "/storage/v1/b/berth/o/";
            String path = exchange.getRequestURI().getPath();
            String name = path.startsWith(objects) ? path.substring(objects.length()) : "";
            if (exchange.getRequestMethod().equals("GET") && name.equals(KeyLayout.contentKey(STORED))) {
                respond(exchange, 200, "{\"kind\":\"storage#object\",\"id\":\"berth/" + name + "/1\",\"name\":\"" + name
                        + "\",\"bucket\":\"berth\",\"generation\":\"1\",\"metageneration\":\"1\",\"size\":\"5\","
                        + "\"contentType\":\"application/octet-stream\"}");
            } else {
                respond(exchange, 404, error(404, "notFound", "No such object: berth/" + name));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String error(int code, String reason, String message) {
        return "{\"error\":{\"code\":" + code + ",\"message\":\"" + message + "\",\"errors\":[{\"message\":\"" + message
                + "\",\"domain\":\"global\",\"reason\":\"" + reason + "\"}]}}";
    }

    private static void respond(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }
}
