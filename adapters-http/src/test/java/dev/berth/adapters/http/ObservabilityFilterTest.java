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

    @Test
    void everyRequestDerivedLabelComesFromAFixedSet() {
        assertThat(ObservabilityFilter.methodLabel("GET")).isEqualTo("GET");
        assertThat(ObservabilityFilter.methodLabel("PATCH")).isEqualTo("PATCH");
        assertThat(ObservabilityFilter.methodLabel("get")).isEqualTo("other");
        assertThat(ObservabilityFilter.methodLabel("X".repeat(1024))).isEqualTo("other");
        assertThat(ObservabilityFilter.statusLabel(404)).isEqualTo("404");
        assertThat(ObservabilityFilter.statusLabel(1000)).isEqualTo("other");
        assertThat(ObservabilityFilter.route("/v2/" + "a/".repeat(400) + "manifests/x")).isEqualTo("v2_invalid");
        assertThat(ObservabilityFilter.route("/v2/team/app/manifests/" + "t".repeat(100))).isEqualTo("manifest");
        assertThat(ObservabilityFilter.route("/anything-" + "z".repeat(1000))).isEqualTo("other");
    }
}
