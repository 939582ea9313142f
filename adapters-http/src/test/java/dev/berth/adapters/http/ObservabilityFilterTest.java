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

    @Test
    void accessLogLinesReadAsBeforeWithTheDurationInTenthsOfAMillisecond() {
        for (long nanos : new long[] {0, 49_999, 50_000, 105_300_000, 7_916_912_345L, 123_456_789_012L}) {
            String expected = String.format(java.util.Locale.ROOT, "%s %s %s %d in=%d out=%d %.1fms user=%s id=%s",
                    "127.0.0.1", "PATCH", "/v2/team/app/blobs/uploads/u", 202, 1073741824L, 0L, nanos / 1e6, "-", "id-1");

            assertThat(ObservabilityFilter.accessLine("127.0.0.1", "PATCH", "/v2/team/app/blobs/uploads/u", 202,
                    1073741824L, 0, nanos, "-", "id-1")).isEqualTo(expected);
        }
    }

    @Test
    void aPathCannotStartAnotherAccessLogLine() {
        assertThat(ObservabilityFilter.accessLine("10.0.0.1", "GET", "/v2/a\r\n127.0.0.1 GET /forged", 404, 0, 0,
                1_000_000, "-", "id")).isEqualTo("10.0.0.1 GET /v2/a__127.0.0.1 GET /forged 404 in=0 out=0 1.0ms user=- id=id");
    }
}
