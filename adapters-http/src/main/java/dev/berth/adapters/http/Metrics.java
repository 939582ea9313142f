package dev.berth.adapters.http;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * Berth's metrics on the Prometheus Java client: counters and histograms that the HTTP layer and
 * the composition root record into, and gauges read when scraped. A registry of its own, never the
 * client's default one, so that nothing else in the JVM adds to (or clashes with) Berth's names.
 */
@ApplicationScoped
public class Metrics {

    /** Seconds: registry requests range from a cached manifest to a multi-gigabyte layer. */
    static final double[] SECONDS_BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300};

    private static final ExpositionFormatWriter TEXT = PrometheusTextFormatWriter.create();
    private static final ExpositionFormatWriter OPEN_METRICS = OpenMetricsTextFormatWriter.create();

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Histogram> histograms = new ConcurrentHashMap<>();
    /** Read in name order, as before the client: DatabaseGauges skips the rest after one read fails. */
    private final Map<String, SuppliedGauge> gauges = new ConcurrentSkipListMap<>();

    public Metrics() {
        registry.register((MultiCollector) () -> {
            MetricSnapshots.Builder scrape = MetricSnapshots.builder();
            gauges.values().forEach(gauge -> {
                MetricSnapshot snapshot = gauge.collect();
                if (snapshot != null) {
                    scrape.metricSnapshot(snapshot);
                }
            });
            return scrape.build();
        });
    }

    /** A labelled sample's labels, in order: name1, value1, name2, value2, ... */
    public record Labels(List<String> pairs) {

        public static Labels of(String... pairs) {
            return new Labels(List.of(pairs));
        }

        String[] names() {
            return IntStream.range(0, pairs.size() / 2).mapToObj(i -> pairs.get(2 * i)).toArray(String[]::new);
        }

        String[] values() {
            return IntStream.range(0, pairs.size() / 2).mapToObj(i -> pairs.get(2 * i + 1)).toArray(String[]::new);
        }
    }

    /**
     * Adds to a counter. Its name ends in {@code _total}: the client writes a counter as its base
     * name plus {@code _total}, so any other name would reach the scraper changed.
     */
    public void count(String name, String help, Labels labels, double amount) {
        if (!name.endsWith("_total")) {
            throw new IllegalArgumentException("a counter's name ends in _total: " + name);
        }
        counters.computeIfAbsent(name, n -> Counter.builder().name(n).help(help).labelNames(labels.names())
                        .withoutExemplars().register(registry))
                .labelValues(labels.values()).inc(amount);
    }

    public void observeSeconds(String name, String help, Labels labels, long nanos) {
        histograms.computeIfAbsent(name, n -> Histogram.builder().name(n).help(help).labelNames(labels.names())
                        .classicOnly().classicUpperBounds(SECONDS_BUCKETS).withoutExemplars().register(registry))
                .labelValues(labels.values()).observe(nanos / 1e9);
    }

    /** Registers a gauge read at every scrape; registering the name again replaces it. */
    public void gauge(String name, String help, Supplier<Map<Labels, Double>> values) {
        gauges.put(name, new SuppliedGauge(name, help, values));
    }

    /** The Prometheus text format (0.0.4). */
    public String render() {
        return new String(expose(null).body(), StandardCharsets.UTF_8);
    }

    /** A scrape's answer: OpenMetrics when the Accept header asks for it, else the Prometheus text format. */
    record Exposition(String contentType, byte[] body) {
    }

    Exposition expose(String accept) {
        ExpositionFormatWriter writer = accept != null && OPEN_METRICS.accepts(accept) ? OPEN_METRICS : TEXT;
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Exposition(writer.getContentType(), out.toByteArray());
    }

    /** A gauge whose samples are read from {@code values} at each scrape. */
    private record SuppliedGauge(String name, String help, Supplier<Map<Labels, Double>> values) {
        MetricSnapshot collect() {
            Map<Labels, Double> now;
            try {
                now = values.get();
            } catch (RuntimeException e) {
                // a source that cannot answer now (the database away, say) leaves its gauge out of this scrape
                return null;
            }
            GaugeSnapshot.Builder gauge = GaugeSnapshot.builder().name(name).help(help);
            now.forEach((labels, value) -> gauge.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
                    .labels(io.prometheus.metrics.model.snapshots.Labels.of(labels.names(), labels.values()))
                    .value(value).build()));
            return gauge.build();
        }
    }
}
