package dev.berth.deploy.runtime;

import dev.berth.adapters.http.Metrics;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** A scrape while the database is away answers in one connection timeout, not one per gauge. */
class DatabaseGaugesTest {

    private Instant now = Instant.parse("2026-12-01T10:00:00Z");
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };

    @Test
    void afterOneReadFailsTheOthersAreLeftOutWithoutAskingTheDatabaseUntilThePauseEnds() {
        Metrics metrics = new Metrics();
        DatabaseGauges gauges = new DatabaseGauges(metrics, clock);
        AtomicBoolean down = new AtomicBoolean(true);
        AtomicInteger asked = new AtomicInteger();
        gauges.gauge("berth_first", "first", () -> {
            asked.incrementAndGet();
            if (down.get()) {
                throw new IllegalStateException("connection refused");
            }
            return Map.of(Metrics.Labels.of(), 1.0);
        });
        gauges.gauge("berth_second", "second", () -> {
            asked.incrementAndGet();
            return Map.of(Metrics.Labels.of(), 2.0);
        });
        metrics.gauge("berth_jvm", "not from the database", () -> Map.of(Metrics.Labels.of(), 3.0));

        String outage = metrics.render();
        assertThat(outage).contains("berth_jvm 3").doesNotContain("berth_first").doesNotContain("berth_second");
        assertThat(asked).hasValue(1);

        down.set(false);
        now = now.plus(DatabaseGauges.PAUSE);
        assertThat(metrics.render()).contains("berth_first 1").contains("berth_second 2").contains("berth_jvm 3");
        assertThat(asked).hasValue(3);
    }
}
