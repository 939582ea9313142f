package dev.berth.adapters.http;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class ObservabilityFilterTest {

    private static final String TOKEN = "scrape-me-0123456789";

    @Test
    void metricsAreOpenWithoutABearerToken() {
        HttpObservability open = new HttpObservability(true, "/metrics", true);
        assertThat(ObservabilityFilter.metricsAllowed(open, null)).isTrue();
        assertThat(ObservabilityFilter.metricsAllowed(open, "Bearer whatever")).isTrue();
    }

    @Test
    void withABearerTokenOnlyThatTokenReadsTheMetrics() {
        HttpObservability protectedMetrics = new HttpObservability(true, "/metrics", true, Optional.of(TOKEN));
        assertThat(ObservabilityFilter.metricsAllowed(protectedMetrics, "Bearer " + TOKEN)).isTrue();
        assertThat(ObservabilityFilter.metricsAllowed(protectedMetrics, "bearer  " + TOKEN + " ")).isTrue();
        assertThat(ObservabilityFilter.metricsAllowed(protectedMetrics, null)).isFalse();
        assertThat(ObservabilityFilter.metricsAllowed(protectedMetrics, "Bearer " + TOKEN + "x")).isFalse();
        assertThat(ObservabilityFilter.metricsAllowed(protectedMetrics, "Bearer scrape-me")).isFalse();
        assertThat(ObservabilityFilter.metricsAllowed(protectedMetrics, "Basic " + TOKEN)).isFalse();
        assertThat(ObservabilityFilter.metricsAllowed(protectedMetrics, "Bearer")).isFalse();
        assertThat(protectedMetrics.toString()).doesNotContain(TOKEN);
    }
}
