package dev.berth.application.system;

import java.util.List;
import java.util.Map;

/** Result of {@link CheckHealth}: healthy only when every check passes. */
public record HealthReport(List<Check> checks) {

    public HealthReport {
        checks = List.copyOf(checks);
    }

    public boolean healthy() {
        return checks.stream().allMatch(Check::up);
    }

    /** One component's verdict; details are safe to show to anyone who can reach the endpoint. */
    public record Check(String name, boolean up, Map<String, String> details) {
        public Check {
            details = Map.copyOf(details);
        }
    }
}
