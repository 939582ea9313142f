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
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Metrics, health and logs of the packaged Berth on a PostgreSQL the test controls: /metrics is
 * Prometheus text whose counters move after a push; when PostgreSQL stops, readiness and
 * /debug/health say so and registry requests get 503 UNAVAILABLE in the registry's JSON; when it
 * is back, so is Berth. Logs are JSON lines with request ids, and the access log names no secret;
 * a TLS handshake on the plain port is one debug line.
 * The metrics need the bearer token of http.debug.prometheus.bearertoken. Their series (names,
 * types, labels) are the ones the hand-written exposition wrote before the Prometheus client
 * (metrics/series.txt, recorded from that berth.jar with this test's requests).
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
            assertSeriesAsRecorded(registry);
            HttpResponse<byte[]> openMetrics = registry.get("/metrics", "Authorization", "Bearer " + METRICS_TOKEN,
                    "Accept", "application/openmetrics-text; version=1.0.0");
            assertThat(RegistryClient.header(openMetrics, "Content-Type")).startsWith("application/openmetrics-text");
            assertThat(RegistryClient.text(openMetrics)).contains("\nberth_http_requests_total{").endsWith("# EOF\n");

            String pushed = "berth_http_requests_total{route=\"blob_uploads\",method=\"POST\",status=\"201\"}";
            assertThat(after.get(series(pushed))).isEqualTo(before.getOrDefault(series(pushed), 0.0) + 1);
            assertThat(after.get(series("berth_bytes_pushed_total{kind=\"blob\"}"))).isEqualTo((double) layer.length);
            assertThat(after.get(series("berth_bytes_pulled_total{kind=\"blob\"}"))).isEqualTo((double) layer.length);
            assertThat(after.get(series("berth_http_request_duration_seconds_count{route=\"blob\",method=\"GET\",status=\"200\"}")))
                    .isEqualTo(1.0);
            assertThat(after.get(series("berth_storage_operation_seconds_count{driver=\"filesystem\",operation=\"commit_upload\"}")))
                    .isEqualTo(1.0);
            assertThat(after).containsKey(series("berth_db_pool_connections{state=\"max\"}"))
                    .containsKey(series("berth_jvm_memory_bytes{area=\"heap\",kind=\"used\"}"))
                    .containsKey(series("berth_uploads_in_progress"));
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
            assertThat(scrape(registry)).as("metrics while the database is away").containsKey(series("berth_http_requests_total"
                    + "{route=\"blob\",method=\"GET\",status=\"503\"}"));

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

    /** Fetches /metrics, checks every line is Prometheus text, and returns the samples by {@link #series}. */
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
            samples.put(series(line.substring(0, line.lastIndexOf(' '))), Double.parseDouble(m.group(4)));
        }
        return samples;
    }

    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    /**
     * A sample's name and labels as Prometheus reads them: labels in name order (the client sorts
     * them; order carries no meaning), and {@code le} as the number it is ({@code "1"}, as the
     * hand-written exposition wrote it, is the client's and Prometheus 3's {@code "1.0"}).
     */
    static String series(String sample) {
        int brace = sample.indexOf('{');
        if (brace < 0) {
            return sample;
        }
        Map<String, String> labels = new TreeMap<>();
        var m = LABEL.matcher(sample.substring(brace));
        while (m.find()) {
            labels.put(m.group(1), m.group(1).equals("le") && !m.group(2).equals("+Inf")
                    ? Double.toString(Double.parseDouble(m.group(2))) : m.group(2));
        }
        StringJoiner out = new StringJoiner(",", sample.substring(0, brace) + "{", "}");
        labels.forEach((name, value) -> out.add(name + "=\"" + value + "\""));
        return out.toString();
    }

    /**
     * The families (with their types) and series of this test's requests are the ones recorded
     * before the Prometheus client. Left out on both sides: readiness polls (GET /v2/) answered
     * otherwise than 200 before the start finished (that depends on the machine's speed), and
     * families without a sample (webhook gauges with no endpoint), whose HELP and TYPE lines the
     * client no longer writes.
     */
    private static void assertSeriesAsRecorded(RegistryClient registry) throws Exception {
        String text = RegistryClient.text(registry.get("/metrics", "Authorization", "Bearer " + METRICS_TOKEN));
        Set<String> samples = text.lines().filter(l -> !l.startsWith("#"))
                .map(l -> series(l.substring(0, l.lastIndexOf(' ')))).collect(Collectors.toCollection(TreeSet::new));
        Set<String> actual = new TreeSet<>(samples);
        text.lines().filter(l -> l.startsWith("# TYPE ")).filter(l -> {
            String name = l.split(" ")[2];
            return samples.stream().anyMatch(s -> s.equals(name) || s.startsWith(name + "{")
                    || s.matches(Pattern.quote(name) + "_(bucket|sum|count)(\\{.*)?"));
        }).forEach(actual::add);
        actual.removeIf(s -> s.contains("route=\"base\"") && !s.contains("status=\"200\""));
        Set<String> recorded;
        try (var in = ObservabilityIT.class.getResourceAsStream("/metrics/series.txt")) {
            recorded = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(l -> !l.startsWith("## ") && !l.isBlank()).map(l -> l.startsWith("#") ? l : series(l))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        assertThat(actual).as("/metrics:\n" + text).containsExactlyInAnyOrderElementsOf(recorded);
    }
}
