package dev.berth.deploy.system;

import com.sun.net.httpserver.HttpServer;
import dev.berth.domain.json.Json;
import dev.berth.domain.json.JsonArray;
import dev.berth.domain.json.JsonObject;
import dev.berth.domain.json.JsonValue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * A webhook receiver on loopback (the JDK's HTTP server): records every delivery with its headers and
 * body, answers a status the test chooses, can go down (port closed) and come back on the same port,
 * and can hold a delivery unanswered (its sender caught in the middle of it).
 */
final class WebhookReceiver implements AutoCloseable {

    record Delivery(Instant at, Map<String, List<String>> headers, byte[] body, int answered) {

        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().getFirst()).findFirst().orElse(null);
        }

        List<JsonObject> events() {
            JsonObject envelope = (JsonObject) Json.parse(body);
            return ((JsonArray) envelope.get("events")).elements().stream().map(JsonObject.class::cast).toList();
        }
    }

    /** A delivery recorded and held unanswered from its arrival until {@code release}. */
    static final class Hold {
        final CountDownLatch arrived = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        volatile Delivery delivery;
    }

    private final AtomicReference<Hold> hold = new AtomicReference<>();
    private final int port;
    private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
    private volatile int status = 200;
    private HttpServer server;

    WebhookReceiver() throws IOException {
        this.port = BerthProcess.freePort();
        up();
    }

    String url() {
        return "http://127.0.0.1:" + port + "/events";
    }

    synchronized void up() throws IOException {
        if (server != null) {
            return;
        }
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        server.createContext("/", exchange -> {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            int answer = status;
            Delivery delivery = new Delivery(Instant.now(), Map.copyOf(exchange.getRequestHeaders()), body, answer);
            deliveries.add(delivery);
            Hold held = hold.getAndSet(null);
            if (held != null) {
                held.delivery = delivery;
                held.arrived.countDown();
                try {
                    held.release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            try {
                exchange.sendResponseHeaders(answer, -1);
            } catch (IOException senderGone) {
                // a held delivery's sender may have died meanwhile
            }
            exchange.close();
        });
        server.start();
    }

    synchronized void down() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
    }

    /** The next delivery is recorded (as received) but answered only once the hold is released. */
    Hold holdNext() {
        Hold next = new Hold();
        hold.set(next);
        return next;
    }

    void answer(int status) {
        this.status = status;
    }

    List<Delivery> deliveries() {
        return List.copyOf(deliveries);
    }

    /** Every event of every successful delivery, in arrival order. */
    List<JsonObject> received() {
        List<JsonObject> events = new ArrayList<>();
        for (Delivery d : deliveries) {
            if (d.answered() < 300) {
                events.addAll(d.events());
            }
        }
        return events;
    }

    /** Waits until an event received matches, and returns it. */
    JsonObject await(Predicate<JsonObject> matching, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (JsonObject event : received()) {
                if (matching.test(event)) {
                    return event;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no matching event within " + timeout + "; received " + received());
    }

    static String text(JsonObject object, String... path) {
        JsonValue value = object;
        for (String key : path) {
            value = value instanceof JsonObject o ? o.get(key) : null;
        }
        return switch (value) {
            case dev.berth.domain.json.JsonString s -> s.value();
            case dev.berth.domain.json.JsonNumber n -> n.value().toPlainString();
            case null -> null;
            default -> value.toString();
        };
    }

    @Override
    public void close() {
        down();
    }
}
