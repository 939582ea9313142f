package dev.berth.application.system;

import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.util.Map;
import java.util.Optional;

/**
 * Use case: should Berth's supervisor (systemd, Docker's restart policy, a Kubernetes liveness
 * probe) restart it? Only when something Berth runs itself is beyond recovery: an external
 * database or storage being down is not fixed by a restart, so it never makes Berth "not live".
 */
@Dependent
public class CheckLiveness {

    /** What anybody is told; how long and why (the database's words) only reaches administrators. */
    static final String DOWN = "the embedded PostgreSQL stays down despite restarts";

    private final LivenessStatus status;

    @Inject
    public CheckLiveness(LivenessStatus status) {
        this.status = status;
    }

    public HealthReport.Check check() {
        return status.fatalProblem()
                .map(problem -> new HealthReport.Check("berth", false, Map.of("problem", DOWN), Optional.of(problem)))
                .orElseGet(() -> new HealthReport.Check("berth", true, Map.of(), Optional.empty()));
    }
}
