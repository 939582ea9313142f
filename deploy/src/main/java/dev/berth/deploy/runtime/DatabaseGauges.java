package dev.berth.deploy.runtime;

import dev.berth.adapters.http.Metrics;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The gauges read from the metadata database. While it is away, each read waits for a connection
 * until the pool's timeout (5 s), and a scrape reads ten such gauges: longer than the listener keeps
 * a quiet connection open, so the scrape itself failed. After one read fails, the others are left
 * out at once for a few seconds, and a scrape answers in one pool timeout.
 */
final class DatabaseGauges {

    /** How long after a failed read the other gauges are left out without trying. */
    static final Duration PAUSE = Duration.ofSeconds(10);

    private final Metrics metrics;
    private final Clock clock;
    private volatile Instant failedAt = Instant.MIN;

    DatabaseGauges(Metrics metrics, Clock clock) {
        this.metrics = metrics;
        this.clock = clock;
    }

    void gauge(String name, String help, Supplier<Map<Metrics.Labels, Double>> values) {
        metrics.gauge(name, help, () -> read(values));
    }

    private Map<Metrics.Labels, Double> read(Supplier<Map<Metrics.Labels, Double>> values) {
        if (clock.instant().isBefore(failedAt.plus(PAUSE))) {
            // Metrics leaves a gauge that throws out of the scrape
            throw new IllegalStateException("the metadata database failed a gauge read moments ago");
        }
        try {
            return values.get();
        } catch (RuntimeException e) {
            failedAt = clock.instant();
            throw e;
        }
    }
}
