package dev.berth.adapters.http;

import java.util.Optional;

/**
 * What the composition root decides about metrics and the access log.
 *
 * @param metricsPath        where the Prometheus text is served, when {@code metricsEnabled}
 * @param metricsBearerToken when present, the metrics need {@code Authorization: Bearer} with it;
 *                           never part of {@link #toString()}
 */
public record HttpObservability(boolean metricsEnabled, String metricsPath, boolean accessLog,
                                Optional<String> metricsBearerToken) {

    /** Metrics open to whoever reaches them. */
    public HttpObservability(boolean metricsEnabled, String metricsPath, boolean accessLog) {
        this(metricsEnabled, metricsPath, accessLog, Optional.empty());
    }

    @Override
    public String toString() {
        return "HttpObservability[metricsEnabled=" + metricsEnabled + ", metricsPath=" + metricsPath + ", accessLog="
                + accessLog + ", metricsBearerToken=" + (metricsBearerToken.isPresent() ? "(set)" : "(none)") + "]";
    }
}
