package dev.berth.adapters.storage.swift;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A real OpenStack Swift on loopback (Debian's packages, set up by the {@code saio.sh} beside this
 * class), started once for all test classes that use this extension and stopped, by the PIDs the
 * script recorded, when the test run ends. Shipped in the test-jar for Berth's system tests.
 */
public final class SwiftServer implements BeforeAllCallback {

    public static final String USER = "test:tester";
    public static final String KEY = "testing";
    /** A tempauth user without .admin: may not create containers. */
    static final String READER = "test:reader";
    static final String READER_KEY = "reading";

    private static final Path DIR = Path.of("target/swift-saio").toAbsolutePath();
    private static final Path SCRIPT = Path.of("target/swift-saio.sh").toAbsolutePath();
    private static int port;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(SwiftServer.class, key -> start(), AutoCloseable.class);
    }

    private static AutoCloseable start() {
        try (InputStream script = SwiftServer.class.getResourceAsStream("saio.sh")) {
            Files.createDirectories(SCRIPT.getParent());
            Files.copy(Objects.requireNonNull(script, "saio.sh beside SwiftServer"), SCRIPT,
                    StandardCopyOption.REPLACE_EXISTING);
            Process process = new ProcessBuilder("bash", script().toString(), "start", DIR.toString())
                    .redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (process.waitFor() != 0) {
                throw new IllegalStateException("Swift did not start: " + output);
            }
            port = Integer.parseInt(output.lines().reduce((a, b) -> b).orElseThrow());
            return () -> new ProcessBuilder("bash", script().toString(), "stop", DIR.toString()).inheritIO().start()
                    .waitFor();
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("Swift did not start", e);
        }
    }

    private static Path script() {
        return SCRIPT;
    }

    public static URI authUrl() {
        return URI.create("http://127.0.0.1:" + port + "/auth/v1.0");
    }

    static SwiftOptions options(String container, String prefix) {
        return new SwiftOptions(authUrl(), 1, USER, KEY, container, "", "", "", "", "", "", "", "", "", false,
                1L << 20, prefix, "kit-tempurl-key", false);
    }

    /** A token and storage URL from tempauth, for requests the driver does not make. */
    public static Map<String, String> login() throws IOException, InterruptedException {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<Void> response = http.send(HttpRequest.newBuilder(authUrl()).header("X-Auth-User", USER)
                    .header("X-Auth-Key", KEY).build(), HttpResponse.BodyHandlers.discarding());
            return Map.of("token", response.headers().firstValue("X-Auth-Token").orElseThrow(),
                    "url", response.headers().firstValue("X-Storage-Url").orElseThrow());
        }
    }

    /** Puts a small object straight into the container, as a stray the driver did not write. */
    static void put(String container, String key) throws IOException, InterruptedException {
        Map<String, String> login = login();
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                    URI.create(login.get("url") + "/" + container + "/" + key)).header("X-Auth-Token", login.get("token"))
                    .PUT(HttpRequest.BodyPublishers.ofString("stray")).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 201) {
                throw new IOException("PUT " + key + ": " + response.statusCode());
            }
        }
    }

    /** Every object name under {@code prefix}, straight from Swift. */
    public static List<String> list(String container, String prefix) throws IOException, InterruptedException {
        Map<String, String> login = login();
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(login.get("url") + "/"
                    + container + "?format=plain&prefix=" + URLEncoder.encode(prefix, StandardCharsets.UTF_8)))
                    .header("X-Auth-Token", login.get("token")).build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? response.body().lines().toList() : new ArrayList<>();
        }
    }
}
