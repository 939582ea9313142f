package dev.berth.deploy.system;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
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
 * Berth on a PostgreSQL the test controls ({@code database.url}), one boot for both parts. It uses and
 * migrates that database and starts none of its own; file values apply and environment variables
 * override them. Its metrics, health and logs: /metrics is Prometheus text whose counters move after a
 * push; when PostgreSQL stops, readiness and /debug/health say so and registry requests get 503
 * UNAVAILABLE in the registry's JSON; when it is back, so is Berth. Logs are JSON lines with request
 * ids, and the access log names no secret; a TLS handshake on the plain port is one debug line.
 * The metrics need the bearer token of http.debug.prometheus.bearertoken. Their series (names,
 * types, labels) are the ones the hand-written exposition wrote before the Prometheus client
 * (metrics/series.txt, recorded from that berth.jar with the requests of the metrics test).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExternalDatabaseIT {

    /** A Prometheus text sample: name, optional labels, value. */
    private static final Pattern SAMPLE = Pattern.compile(
            "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{([a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\]|\\\\.)*\",?)*})? (-?[0-9.eE+-]+|NaN|\\+Inf|-Inf)");
    /** http.debug.prometheus.bearertoken, from the environment as in a container. */
    private static final String METRICS_TOKEN = "scrape-token-0123456789abcdef";
    private static final Pattern COMMENT = Pattern.compile("# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .*");

    private static Path work;
    private static Path pgData;
    private static EmbeddedPostgres external;
    private static Path config;
    private static Path blobs;
    private static String password;
    private static BerthProcess berth;

    @BeforeAll
    static void start() throws Exception {
        work = Path.of("target", "external-database").toAbsolutePath();
        WorkDirectories.deleteQuietly(work);
        pgData = Files.createDirectories(work.resolve("external-pg"));
        external = startPostgres(0);
        int port = BerthProcess.freePort();
        int wrongPort = BerthProcess.freePort();
        blobs = work.resolve("blobs-from-file");
        password = "never-log-me-" + port;
        config = Files.writeString(work.resolve("config.yml"), """
                version: 0.1
                log:
                  level: debug
                  formatter: json
                http:
                  addr: 127.0.0.1:%d
                storage:
                  filesystem:
                    rootdirectory: %s
                database:
                  url: jdbc:postgresql://127.0.0.1:%d/postgres
                  user: postgres
                  password: %s
                flavour: vanilla
                """.formatted(wrongPort, blobs, external.getPort(), password));
        berth = BerthProcess.start(work, port, Map.of("REGISTRY_HTTP_ADDR", "127.0.0.1:" + port,
                "REGISTRY_HTTP_DEBUG_PROMETHEUS_BEARERTOKEN", METRICS_TOKEN), "--config", config.toString());
        berth.awaitReady();
    }

    /** On {@code port} (0: a free one), over the data directory of an earlier start if there was one. */
    private static EmbeddedPostgres startPostgres(int port) throws Exception {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder().setDataDirectory(pgData).setCleanDataDirectory(false)
                .setServerConfig("listen_addresses", "127.0.0.1");
        return (port == 0 ? builder : builder.setPort(port)).start();
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (berth != null) {
                berth.stop();
            }
        } finally {
            if (external != null) {
                external.close();
            }
        }
    }

    /** First: the series it compares with the recorded ones are those of its own requests (and readiness polls). */
    @Test
    @Order(1)
    void metricsHealthAndLogsAlsoWhilePostgresIsDown() throws Exception {
        RegistryClient registry = new RegistryClient(berth);
        // the TLS ClientHello docker and skopeo send before they speak plain HTTP
        RawHttp.tlsClientHello(berth.port());

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

        external = startPostgres(external.getPort());
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
    }

    /** After the metrics test, which has the Berth's first requests (its recorded series count on that). */
    @Test
    @Order(2)
    void usesAndMigratesTheConfiguredPostgresAndStartsNothingEmbedded() throws Exception {
        String health = berth.get("/health/ready").body();
        assertThat(JsonFields.checkStatus(health, "database")).isEqualTo("UP");
        assertThat(JsonFields.string(health, "mode")).isEqualTo("external");
        assertThat(JsonFields.string(health, "schemaVersion")).isEqualTo(LatestMigration.version());
        String installationId = JsonFields.string(health, "installationId");

        try (Connection c = external.getPostgresDatabase().getConnection();
             ResultSet rs = c.createStatement().executeQuery(
                     // versions are text: "9" > "10", so compare them as numbers
                     "SELECT (SELECT max(version::int)::text FROM flyway_schema_history"
                             + " WHERE success AND version IS NOT NULL),"
                             + " (SELECT id::text FROM installation)")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).as("migrated by Berth").isEqualTo(LatestMigration.version());
            assertThat(rs.getString(2)).isEqualTo(installationId);
        }

        assertThat(Files.isDirectory(blobs)).as("storage root from the file").isTrue();
        assertThat(work.resolve("berth-data/postgres")).as("no embedded database").doesNotExist();
        assertThat(Processes.runningFrom(work.resolve("berth-data/run/postgres-binaries"))).isEmpty();
        assertThat(berth.output())
                .contains("config:   " + config + " + environment")
                .contains("listening on 127.0.0.1:" + berth.port())
                .contains("database: external jdbc:postgresql://127.0.0.1:" + external.getPort() + "/postgres")
                .contains("flavour: unknown configuration key; ignored")
                .doesNotContain(password);
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
        try (var in = ExternalDatabaseIT.class.getResourceAsStream("/metrics/series.txt")) {
            recorded = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(l -> !l.startsWith("## ") && !l.isBlank()).map(l -> l.startsWith("#") ? l : series(l))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        assertThat(actual).as("/metrics:\n" + text).containsExactlyInAnyOrderElementsOf(recorded);
    }
}
