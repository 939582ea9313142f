package dev.berth.adapters.http;

import dev.berth.application.system.CheckHealth;
import dev.berth.application.system.CheckLiveness;
import dev.berth.application.system.HealthReport;
import dev.berth.application.tls.ServedCertificateStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/**
 * Health in MicroProfile Health's format: {@code /health}, {@code /health/ready} (metadata
 * database reachable, storage writable, not draining, the cluster's certificate served: 503 otherwise)
 * and {@code /health/live}.
 */
@ApplicationScoped
public class ReadinessChecks {

    @Produces
    @Readiness
    HealthCheck database(CheckHealth checkHealth) {
        return () -> response(checkHealth.database());
    }

    @Produces
    @Readiness
    HealthCheck storage(CheckHealth checkHealth) {
        return () -> response(checkHealth.storage());
    }

    /** Not ready from the moment the node begins to drain (SIGTERM): the balancer takes it out of rotation. */
    @Produces
    @Readiness
    HealthCheck serving() {
        return () -> HealthCheckResponse.named("serving").status(!RequestDrain.draining()).build();
    }

    /** With HTTPS on: not ready before the node serves its cluster's certificate (no balancer routes to another CA). */
    @Produces
    @Readiness
    HealthCheck certificate(ServedCertificateStatus status) {
        return () -> HealthCheckResponse.named("certificate").status(status.current()).build();
    }

    /** Alive unless what Berth runs itself (the embedded PostgreSQL) cannot come back without a restart. */
    @Produces
    @Liveness
    HealthCheck alive(CheckLiveness checkLiveness) {
        return () -> response(checkLiveness.check());
    }

    static HealthCheckResponse response(HealthReport.Check check) {
        HealthCheckResponseBuilder builder = HealthCheckResponse.named(check.name()).status(check.up());
        check.details().forEach(builder::withData);
        return builder.build();
    }
}
