package dev.berth.adapters.http;

import dev.berth.application.system.CheckHealth;
import dev.berth.application.system.HealthReport;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Distribution's {@code /debug/health}: 200 with {@code {}} when every check passes, else 503 with
 * each failing check's name and problem, so scripts written for registry:2 work unchanged.
 */
@WebServlet(name = "berth-debug-health", urlPatterns = "/debug/health")
public class DebugHealthServlet extends HttpServlet {

    @Inject
    CheckHealth checkHealth;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        JsonObjectBuilder failures = Json.createObjectBuilder();
        boolean up = true;
        for (HealthReport.Check check : checkHealth.check().checks()) {
            if (!check.up()) {
                up = false;
                String problem = check.details().get("problem");
                failures.add(check.name(), problem == null ? "unavailable" : problem);
            }
        }
        byte[] body = failures.build().toString().getBytes(StandardCharsets.UTF_8);
        response.setStatus(up ? 200 : 503);
        response.setContentType("application/json; charset=utf-8");
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
