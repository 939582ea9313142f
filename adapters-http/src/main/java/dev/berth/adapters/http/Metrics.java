package dev.berth.adapters.http;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Berth's metrics in the Prometheus text format (0.0.4): counters and histograms that the HTTP
 * layer and the composition root record into, and gauges read when scraped. Hand-written rather
 * than a library: a few classes' worth, and nothing to clash with the server's own metrics.
 */
@ApplicationScoped
public class Metrics {

    /** Seconds: registry requests range from a cached manifest to a multi-gigabyte layer. */
    static final double[] SECONDS_BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300};

    private final Map<String, Family> families = new ConcurrentSkipListMap<>();

    /** A labelled sample's labels, in order: name1, value1, name2, value2, ... */
    public record Labels(List<String> pairs) {

        public static Labels of(String... pairs) {
            return new Labels(List.of(pairs));
        }

        String render(String extraName, String extraValue) {
            List<String> all = new ArrayList<>(pairs);
            if (extraName != null) {
                all.add(extraName);
                all.add(extraValue);
            }
            if (all.isEmpty()) {
                return "";
            }
            StringBuilder out = new StringBuilder("{");
            for (int i = 0; i < all.size(); i += 2) {
                out.append(i == 0 ? "" : ",").append(all.get(i)).append("=\"")
                        .append(all.get(i + 1).replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n"))
                        .append('"');
            }
            return out.append('}').toString();
        }
    }

    private sealed interface Family permits CounterFamily, HistogramFamily, GaugeFamily {
        void render(String name, StringBuilder out);
    }

    private record CounterFamily(String help, Map<Labels, DoubleAdder> samples) implements Family {
        public void render(String name, StringBuilder out) {
            out.append("# HELP ").append(name).append(' ').append(help).append('\n');
            out.append("# TYPE ").append(name).append(" counter\n");
            samples.forEach((labels, value) -> out.append(name).append(labels.render(null, null)).append(' ')
                    .append(number(value.sum())).append('\n'));
        }
    }

    private record HistogramFamily(String help, Map<Labels, Histogram> samples) implements Family {
        public void render(String name, StringBuilder out) {
            out.append("# HELP ").append(name).append(' ').append(help).append('\n');
            out.append("# TYPE ").append(name).append(" histogram\n");
            samples.forEach((labels, h) -> {
                long cumulative = 0;
                for (int i = 0; i < SECONDS_BUCKETS.length; i++) {
                    cumulative += h.buckets[i].sum();
                    out.append(name).append("_bucket").append(labels.render("le", number(SECONDS_BUCKETS[i])))
                            .append(' ').append(cumulative).append('\n');
                }
                long count = h.count.sum();
                out.append(name).append("_bucket").append(labels.render("le", "+Inf")).append(' ').append(count).append('\n');
                out.append(name).append("_sum").append(labels.render(null, null)).append(' ').append(number(h.sum.sum())).append('\n');
                out.append(name).append("_count").append(labels.render(null, null)).append(' ').append(count).append('\n');
            });
        }
    }

    private record GaugeFamily(String help, Supplier<Map<Labels, Double>> values) implements Family {
        public void render(String name, StringBuilder out) {
            Map<Labels, Double> now;
            try {
                now = values.get();
            } catch (RuntimeException e) {
                // a source that cannot answer now (the database away, say) leaves its gauge out of this scrape
                return;
            }
            out.append("# HELP ").append(name).append(' ').append(help).append('\n');
            out.append("# TYPE ").append(name).append(" gauge\n");
            now.forEach((labels, value) -> out.append(name).append(labels.render(null, null)).append(' ')
                    .append(number(value)).append('\n'));
        }
    }

    private static final class Histogram {
        final LongAdder[] buckets = new LongAdder[SECONDS_BUCKETS.length];
        final LongAdder count = new LongAdder();
        final DoubleAdder sum = new DoubleAdder();

        Histogram() {
            for (int i = 0; i < buckets.length; i++) {
                buckets[i] = new LongAdder();
            }
        }

        void observe(double seconds) {
            for (int i = 0; i < SECONDS_BUCKETS.length; i++) {
                if (seconds <= SECONDS_BUCKETS[i]) {
                    buckets[i].increment();
                    break;
                }
            }
            count.increment();
            sum.add(seconds);
        }
    }

    public void count(String name, String help, Labels labels, double amount) {
        CounterFamily family = (CounterFamily) families.computeIfAbsent(name,
                n -> new CounterFamily(help, new ConcurrentHashMap<>()));
        family.samples().computeIfAbsent(labels, l -> new DoubleAdder()).add(amount);
    }

    public void observeSeconds(String name, String help, Labels labels, long nanos) {
        HistogramFamily family = (HistogramFamily) families.computeIfAbsent(name,
                n -> new HistogramFamily(help, new ConcurrentHashMap<>()));
        family.samples().computeIfAbsent(labels, l -> new Histogram()).observe(nanos / 1e9);
    }

    /** Registers a gauge read at every scrape; registering the name again replaces it. */
    public void gauge(String name, String help, Supplier<Map<Labels, Double>> values) {
        families.put(name, new GaugeFamily(help, values));
    }

    public String render() {
        StringBuilder out = new StringBuilder(16 * 1024);
        families.forEach((name, family) -> family.render(name, out));
        return out.toString();
    }

    private static String number(double value) {
        if (value == Math.rint(value) && !Double.isInfinite(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return String.format(Locale.ROOT, "%s", value);
    }
}
