package dev.berth.adapters.http;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What a scraper reads from {@link Metrics}: names, types, labels and buckets as Berth's dashboards know them. */
class MetricsTest {

    private final Metrics metrics = new Metrics();

    @Test
    void countersKeepTheirTotalNameAndTheirLabels() {
        Metrics.Labels labels = Metrics.Labels.of("route", "blob", "method", "GET", "status", "200");
        metrics.count("berth_http_requests_total", "HTTP requests by route, method and status", labels, 1);
        metrics.count("berth_http_requests_total", "HTTP requests by route, method and status", labels, 1);
        metrics.count("berth_upload_purge_bytes_total", "Bytes of abandoned uploads", Metrics.Labels.of(), 0);

        assertThat(metrics.render().lines().toList()).containsSubsequence(
                "# HELP berth_http_requests_total HTTP requests by route, method and status",
                "# TYPE berth_http_requests_total counter",
                "berth_http_requests_total{method=\"GET\",route=\"blob\",status=\"200\"} 2.0",
                "# TYPE berth_upload_purge_bytes_total counter",
                "berth_upload_purge_bytes_total 0.0");
    }

    @Test
    void aCounterNameWithoutTotalIsRefusedRatherThanRenamed() {
        assertThatThrownBy(() -> metrics.count("berth_things", "things", Metrics.Labels.of(), 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("berth_things");
    }

    @Test
    void durationsAreHistogramsWithTheSecondsBuckets() {
        Metrics.Labels labels = Metrics.Labels.of("driver", "filesystem", "operation", "read");
        metrics.observeSeconds("berth_storage_operation_seconds", "Storage operation latency", labels, 700_000_000L);
        metrics.observeSeconds("berth_storage_operation_seconds", "Storage operation latency", labels, 2_000_000L);

        List<String> lines = metrics.render().lines().filter(l -> l.startsWith("berth_storage_operation_seconds")).toList();
        assertThat(lines.stream().filter(l -> l.contains("_bucket{"))).containsExactly(
                bucket("0.005", 1), bucket("0.01", 1), bucket("0.025", 1), bucket("0.05", 1), bucket("0.1", 1),
                bucket("0.25", 1), bucket("0.5", 1), bucket("1.0", 2), bucket("2.5", 2), bucket("5.0", 2),
                bucket("10.0", 2), bucket("30.0", 2), bucket("60.0", 2), bucket("300.0", 2), bucket("+Inf", 2));
        assertThat(lines).contains("berth_storage_operation_seconds_count{driver=\"filesystem\",operation=\"read\"} 2")
                .anyMatch(l -> l.startsWith("berth_storage_operation_seconds_sum{driver=\"filesystem\",operation=\"read\"} 0.70"));
        assertThat(metrics.render()).contains("# TYPE berth_storage_operation_seconds histogram\n");
    }

    private static String bucket(String le, int count) {
        return "berth_storage_operation_seconds_bucket{driver=\"filesystem\",operation=\"read\",le=\"" + le + "\"} " + count;
    }

    @Test
    void gaugesAreReadAtEachScrapeAndOneThatCannotAnswerIsLeftOut() {
        AtomicBoolean down = new AtomicBoolean();
        metrics.gauge("berth_storage_blobs", "Distinct blobs", () -> {
            if (down.get()) {
                throw new IllegalStateException("database away");
            }
            return Map.of(Metrics.Labels.of(), 3.0);
        });
        metrics.gauge("berth_jvm_threads", "Live JVM threads", () -> Map.of(Metrics.Labels.of(), 7.0));
        assertThat(metrics.render()).contains("# TYPE berth_storage_blobs gauge\nberth_storage_blobs 3.0\n");

        down.set(true);
        assertThat(metrics.render()).doesNotContain("berth_storage_blobs").contains("berth_jvm_threads 7.0");
    }

    @Test
    void registeringAGaugeAgainReplacesIt() {
        metrics.gauge("berth_uploads_in_progress", "Uploads", () -> Map.of(Metrics.Labels.of(), 1.0));
        metrics.gauge("berth_uploads_in_progress", "Uploads", () -> Map.of(Metrics.Labels.of(), 2.0));
        assertThat(metrics.render().lines().filter(l -> l.startsWith("berth_uploads_in_progress")))
                .containsExactly("berth_uploads_in_progress 2.0");
    }

    @Test
    void labelValuesAreEscaped() {
        metrics.gauge("berth_jvm_gc_collections", "GCs", () -> Map.of(Metrics.Labels.of("gc", "a \"b\" \\ c\nd"), 1.0));
        assertThat(metrics.render()).contains("berth_jvm_gc_collections{gc=\"a \\\"b\\\" \\\\ c\\nd\"} 1.0\n");
    }

    @Test
    void prometheusTextUnlessTheScraperAsksForOpenMetrics() {
        metrics.count("berth_http_requests_total", "HTTP requests", Metrics.Labels.of("route", "base"), 1);

        for (String accept : new String[] {null, "*/*", "text/plain", "text/plain;version=0.0.4;q=1,*/*;q=0.1"}) {
            Metrics.Exposition text = metrics.expose(accept);
            assertThat(text.contentType()).as(accept).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
            assertThat(new String(text.body(), StandardCharsets.UTF_8)).doesNotContain("# EOF");
        }
        // what Prometheus sends by default
        Metrics.Exposition open = metrics.expose("application/openmetrics-text;version=1.0.0,application/openmetrics-text;"
                + "version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1");
        assertThat(open.contentType()).startsWith("application/openmetrics-text; version=1.0.0");
        assertThat(new String(open.body(), StandardCharsets.UTF_8)).contains("# TYPE berth_http_requests counter\n")
                .contains("berth_http_requests_total{route=\"base\"} 1.0\n").doesNotContain("_created").endsWith("# EOF\n");
    }
}
