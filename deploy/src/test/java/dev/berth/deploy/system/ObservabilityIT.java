package dev.berth.deploy.system;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Metrics, health and logs of the packaged Berth on a PostgreSQL the test controls: /metrics is
 * Prometheus text whose counters move after a push; when PostgreSQL stops, readiness and
 * /debug/health say so and registry requests get 503 UNAVAILABLE in the registry's JSON; when it
 * is back, so is Berth. Logs are JSON lines with request ids, and the access log names no secret;
 * a TLS handshake on the plain port is one debug line.
 * The metrics need the bearer token of http.debug.prometheus.bearertoken.
 */
class ObservabilityIT {

    /** A Prometheus text sample: name, optional labels, value. */
    private static final Pattern SAMPLE = Pattern.compile(
            "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{([a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\]|\\\\.)*\",?)*})? (-?[0-9.eE+-]+|NaN|\\+Inf|-Inf)");
    /** http.debug.prometheus.bearertoken, from the environment as in a container. */
    private static final String METRICS_TOKEN = "scrape-token-0123456789abcdef";
    private static final Pattern COMMENT = Pattern.compile("# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .*");

    @TempDir
    Path work;

    @Test
    void metricsHealthAndLogsAlsoWhilePostgresIsDown() throws Exception {
        Path pgData = Files.createDirectories(work.resolve("external-pg"));
        EmbeddedPostgres external = EmbeddedPostgres.builder().setDataDirectory(pgData).setCleanDataDirectory(false)
                .setServerConfig("listen_addresses", "127.0.0.1").start();
        int pgPort = external.getPort();
        int port = BerthProcess.freePort();
        String password = "never-log-me-" + port;
        Path config = Files.writeString(work.resolve("config.yml"), """
                log:
                  level: debug
                  formatter: json
                database:
                  url: jdbc:postgresql://127.0.0.1:%d/postgres
                  user: postgres
                  password: %s
                """.formatted(pgPort, password));
        try (BerthProcess berth = BerthProcess.start(work, port,
                Map.of("REGISTRY_HTTP_DEBUG_PROMETHEUS_BEARERTOKEN", METRICS_TOKEN), "--config", config.toString())) {
            berth.awaitReady();
            RegistryClient registry = new RegistryClient(berth);
            // the TLS ClientHello docker and skopeo send before they speak plain HTTP
            RawHttp.tlsClientHello(port);

            // http.debug.prometheus.bearertoken: nothing without the token, nothing with a wrong one
            for (String[] credentials : List.of(new String[0], new String[]{"Authorization", "Bearer wrong-" + METRICS_TOKEN},
                    new String[]{"Authorization", "Basic " + METRICS_TOKEN})) {
                HttpResponse<byte[]> refused = registry.get("/metrics", credentials);
                assertThat(refused.statusCode()).isEqualTo(401);
                assertThat(RegistryClient.header(refused, "WWW-Authenticate")).isEqualTo("Bearer realm=\"metrics\"");
                assertThat(RegistryClient.text(refused)).doesNotContain("berth_");
            }
            Map<String, Double> before = scrape(registry);
            byte[] layer = "a layer for the metrics".getBytes(StandardCharsets.UTF_8);
            registry.pushBlob("metrics/app", layer);
            HttpResponse<byte[]> pulled = registry.get("/v2/metrics/app/blobs/" + RegistryClient.sha256(layer));
            assertThat(pulled.statusCode()).isEqualTo(200);
            String requestId = RegistryClient.header(pulled, "X-Request-Id");
            assertThat(requestId).isNotBlank();
            Map<String, Double> after = scrape(registry);

            String pushed = "berth_http_requests_total{route=\"blob_uploads\",method=\"POST\",status=\"201\"}";
            assertThat(after.get(pushed)).isEqualTo(before.getOrDefault(pushed, 0.0) + 1);
            assertThat(after.get("berth_bytes_pushed_total{kind=\"blob\"}")).isEqualTo((double) layer.length);
            assertThat(after.get("berth_bytes_pulled_total{kind=\"blob\"}")).isEqualTo((double) layer.length);
            assertThat(after.get("berth_http_request_duration_seconds_count{route=\"blob\",method=\"GET\",status=\"200\"}"))
                    .isEqualTo(1.0);
            assertThat(after.get("berth_storage_operation_seconds_count{driver=\"filesystem\",operation=\"commit_upload\"}"))
                    .isEqualTo(1.0);
            assertThat(after).containsKey("berth_db_pool_connections{state=\"max\"}")
                    .containsKey("berth_jvm_memory_bytes{area=\"heap\",kind=\"used\"}")
                    .containsKey("berth_uploads_in_progress");
            assertThat(berth.get("/debug/health").statusCode()).isEqualTo(200);
            assertThat(berth.get("/debug/health").body()).isEqualTo("{}");

            external.close();
            HttpResponse<String> ready = berth.get("/health/ready");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(JsonFields.checkStatus(ready.body(), "database")).isEqualTo("DOWN");
            HttpResponse<String> debug = berth.get("/debug/health");
            assertThat(debug.statusCode()).isEqualTo(503);
            assertThat(debug.body()).isEqualTo("{\"database\":\"the metadata database is unavailable\"}");
            // the cause in the driver's words only with the metrics token
            assertThat(RegistryClient.text(registry.get("/debug/health", "Authorization", "Bearer " + METRICS_TOKEN)))
                    .startsWith("{\"database\":").isNotEqualTo(debug.body());
            HttpResponse<byte[]> duringOutage = registry.get("/v2/metrics/app/blobs/" + RegistryClient.sha256(layer));
            assertThat(duringOutage.statusCode()).isEqualTo(503);
            assertThat(RegistryClient.header(duringOutage, "Content-Type")).startsWith("application/json");
            assertThat(RegistryClient.text(duringOutage)).startsWith("{\"errors\":[{\"code\":\"UNAVAILABLE\"")
                    .doesNotContain("Exception").doesNotContain("at org.");
            assertThat(scrape(registry)).as("metrics while the database is away").containsKey("berth_http_requests_total"
                    + "{route=\"blob\",method=\"GET\",status=\"503\"}");

            external = EmbeddedPostgres.builder().setDataDirectory(pgData).setCleanDataDirectory(false)
                    .setPort(pgPort).setServerConfig("listen_addresses", "127.0.0.1").start();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (berth.get("/health/ready").statusCode() != 200 && System.nanoTime() < deadline) {
                Thread.sleep(500);
            }
            assertThat(berth.get("/health/ready").statusCode()).as("ready again").isEqualTo(200);
            assertThat(registry.get("/v2/metrics/app/blobs/" + RegistryClient.sha256(layer)).statusCode()).isEqualTo(200);

            List<String> lines = berth.output().lines().filter(l -> l.contains("\"logger\":\"dev.berth.access\"")).toList();
            assertThat(lines).isNotEmpty().allMatch(l -> l.startsWith("{\"time\":\"") && l.endsWith("}"));
            assertThat(lines).anyMatch(l -> l.contains("\"requestId\":\"" + requestId + "\"")
                    && l.contains("\"path\":\"/v2/metrics/app/blobs/") && l.contains("\"status\":200"));
            assertThat(berth.output()).doesNotContain(password).doesNotContain(METRICS_TOKEN);
            // issue 22: one debug line for the TLS probe, no Grizzly warning with the hello's bytes
            assertThat(berth.output().lines().filter(l -> l.contains("TLS probe"))).singleElement()
                    .satisfies(l -> assertThat(l).contains("\"level\":\"FINE\"").doesNotContain("\\u0016"));
            assertThat(berth.output()).doesNotContain("GRIZZLY0013").doesNotContain("Unknown protocol");
            berth.stop();
        } finally {
            external.close();
        }
    }

    /** Fetches /metrics, checks every line is Prometheus text, and returns the samples by name and labels. */
    private static Map<String, Double> scrape(RegistryClient registry) {
        HttpResponse<byte[]> response = registry.get("/metrics", "Authorization", "Bearer " + METRICS_TOKEN);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain; version=0.0.4");
        Map<String, Double> samples = new HashMap<>();
        for (String line : RegistryClient.text(response).lines().toList()) {
            if (line.startsWith("#")) {
                assertThat(line).matches(COMMENT);
                continue;
            }
            var m = SAMPLE.matcher(line);
            assertThat(m.matches()).as("Prometheus sample: " + line).isTrue();
            samples.put(line.substring(0, line.lastIndexOf(' ')), Double.parseDouble(m.group(4)));
        }
        return samples;
    }
}
