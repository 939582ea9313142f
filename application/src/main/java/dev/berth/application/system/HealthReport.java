package dev.berth.application.system;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Result of {@link CheckHealth}: healthy only when every check passes. */
public record HealthReport(List<Check> checks) {

    public HealthReport {
        checks = List.copyOf(checks);
    }

    public boolean healthy() {
        return checks.stream().allMatch(Check::up);
    }

    /**
     * One component's verdict.
     *
     * @param details safe to show to anyone who can reach the endpoint: facts and, when down, a fixed
     *                {@code problem} phrase
     * @param cause   what failed, in the driver's or database's words (paths, bucket names, hosts):
     *                only for administrators and holders of the metrics token
     */
    public record Check(String name, boolean up, Map<String, String> details, Optional<String> cause) {
        public Check {
            details = Map.copyOf(details);
        }
    }
}
