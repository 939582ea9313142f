package dev.berth.adapters.http;

import dev.berth.application.system.CheckHealth;
import dev.berth.application.system.HealthReport;
import dev.berth.application.tls.ServedCertificateStatus;
import dev.berth.domain.access.Caller;
import dev.berth.domain.error.RegistryException;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.json.JsonObjectBuilder;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Distribution's {@code /debug/health}: 200 with {@code {}} when every check passes, else 503 with
 * each failing check's name and problem, so scripts written for registry:2 work unchanged. The
 * problem is a fixed phrase for anybody; its cause in the driver's or database's words (paths,
 * bucket names, hosts) only for an administrator's Basic credentials (a password, not a robot
 * token's limited scope) or the metrics bearer token ({@code http.debug.prometheus.bearertoken}).
 */
@WebServlet(name = "berth-debug-health", urlPatterns = "/debug/health")
public class DebugHealthServlet extends HttpServlet {

    @Inject
    CheckHealth checkHealth;
    @Inject
    AccessGate gate;
    @Inject
    ServedCertificateStatus certificate;
    @Inject
    Instance<HttpObservability> observability;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        boolean details = mayReadCauses(request);
        JsonObjectBuilder failures = JsonBuilders.object();
        boolean up = true;
        for (HealthReport.Check check : checkHealth.check().checks()) {
            if (!check.up()) {
                up = false;
                String problem = check.details().getOrDefault("problem", "unavailable");
                failures.add(check.name(), details ? check.cause().orElse(problem) : problem);
            }
        }
        if (RequestDrain.draining()) {
            // as /health/ready: a balancer checking registry:2's path takes a draining node out too
            up = false;
            failures.add("serving", "draining");
        }
        if (!certificate.current()) {
            up = false;
            failures.add("certificate", "not yet serving the cluster's certificate");
        }
        byte[] body = failures.build().toString().getBytes(StandardCharsets.UTF_8);
        response.setStatus(up ? 200 : 503);
        response.setContentType("application/json; charset=utf-8");
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    private boolean mayReadCauses(HttpServletRequest request) {
        String authorization = request.getHeader("Authorization");
        if (authorization == null) {
            return false;
        }
        if (observability.isResolvable() && observability.get().metricsBearerToken().isPresent()
                && ObservabilityFilter.metricsAllowed(observability.get(), authorization)) {
            return true;
        }
        try {
            // an open registry makes everybody an administrator: only a signed-in one sees causes
            Caller caller = gate.authenticate(request, false).caller();
            return caller.authenticated() && caller.admin() && caller.tokenAccess().isEmpty();
        } catch (RegistryException wrongOrThrottled) {
            return false;
        }
    }
}
