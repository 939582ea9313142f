package dev.berth.adapters.http;

/**
 * What the composition root decides about metrics and the access log.
 *
 * @param metricsPath where the Prometheus text is served, when {@code metricsEnabled}
 */
public record HttpObservability(boolean metricsEnabled, String metricsPath, boolean accessLog) {
}
