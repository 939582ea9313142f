package dev.berth.adapters.http;

import dev.berth.application.event.CurrentRequest;
import dev.berth.application.event.RequestContext;
import dev.berth.domain.error.RegistryException;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Around every request: who the client is ({@link ForwardedRequest}), a request id (in events, log lines and the X-Request-Id header), the HTTP
 * metrics (requests by route, method and status with latency; bytes pushed and pulled; uploads in
 * flight), the access log, and the metrics page itself.
 */
@WebFilter(filterName = "berth-observability", urlPatterns = "/*", asyncSupported = true)
public class ObservabilityFilter extends HttpFilter {

    /** The access log's logger: one INFO line per request, switched off with log.accesslog.disabled. */
    public static final String ACCESS_LOGGER = "dev.berth.access";
    private static final Logger ACCESS = Logger.getLogger(ACCESS_LOGGER);
    private static final AtomicInteger UPLOADS_IN_FLIGHT = new AtomicInteger();

    @Inject
    Metrics metrics;
    @Inject
    Instance<HttpObservability> settings;
    @Inject
    Instance<PublicUrls> publicUrls;

    private volatile HttpObservability resolved;
    private volatile PublicUrls resolvedUrls;

    @Override
    public void init() {
        metrics.gauge("berth_uploads_in_progress", "Blob upload requests (POST, PATCH, PUT) being received now",
                () -> Map.of(Metrics.Labels.of(), (double) UPLOADS_IN_FLIGHT.get()));
    }

    private HttpObservability settings() {
        HttpObservability s = resolved;
        if (s == null) {
            s = settings.isResolvable() ? settings.get() : new HttpObservability(true, "/metrics", true);
            resolved = s;
        }
        return s;
    }

    private PublicUrls publicUrls() {
        PublicUrls urls = resolvedUrls;
        if (urls == null) {
            urls = publicUrls.isResolvable() ? publicUrls.get() : PublicUrls.DIRECT;
            resolvedUrls = urls;
        }
        return urls;
    }

    @Override
    protected void doFilter(HttpServletRequest received, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        // first: everything after this (URLs, access log, audit, throttling, the admin UI) sees the client
        HttpServletRequest request = ForwardedRequest.of(received, publicUrls());
        HttpObservability s = settings();
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (s.metricsEnabled() && path.equals(s.metricsPath())) {
            if (metricsAllowed(s, request.getHeader("Authorization"))) {
                serveMetrics(request, response);
            } else {
                response.setStatus(401);
                response.setHeader("WWW-Authenticate", "Bearer realm=\"metrics\"");
                response.setContentLength(0);
            }
            return;
        }
        long start = System.nanoTime();
        String id = UUID.randomUUID().toString();
        response.setHeader("X-Request-Id", id);
        CurrentRequest.set(context(id, request));
        String route = route(path);
        boolean upload = route.startsWith("blob_upload") && !request.getMethod().equals("GET")
                && !request.getMethod().equals("HEAD") && !request.getMethod().equals("DELETE");
        // bodies are counted on the registry API only: the admin UI's push and async traffic stays untouched
        boolean registry = path.equals("/v2") || path.startsWith("/v2/");
        CountingStreams.Request countedRequest = registry ? new CountingStreams.Request(request) : null;
        CountingStreams.Response countedResponse = registry ? new CountingStreams.Response(response) : null;
        if (upload) {
            UPLOADS_IN_FLIGHT.incrementAndGet();
        }
        RequestDrain.entered();
        try {
            chain.doFilter(registry ? countedRequest : request, registry ? countedResponse : response);
        } finally {
            RequestDrain.left();
            if (upload) {
                UPLOADS_IN_FLIGHT.decrementAndGet();
            }
            long nanos = System.nanoTime() - start;
            long in = registry ? countedRequest.bytes() : 0;
            long out = registry ? countedResponse.bytes() : 0;
            record(route, request.getMethod(), response.getStatus(), nanos, in, out);
            if (s.accessLog()) {
                accessLog(id, path, request, response.getStatus(), in, out, nanos);
            }
            CurrentRequest.clear();
        }
    }

    private void record(String route, String method, int status, long nanos, long in, long out) {
        Metrics.Labels labels = Metrics.Labels.of("route", route, "method", methodLabel(method), "status", statusLabel(status));
        metrics.count("berth_http_requests_total", "HTTP requests by route, method and status", labels, 1);
        metrics.observeSeconds("berth_http_request_duration_seconds", "HTTP request latency by route, method and status",
                labels, nanos);
        if (status < 400 && in > 0 && (route.startsWith("blob_upload") || route.equals("manifest"))) {
            metrics.count("berth_bytes_pushed_total", "Bytes received in blob uploads and manifest pushes",
                    Metrics.Labels.of("kind", route.equals("manifest") ? "manifest" : "blob"), in);
        }
        if (status < 400 && out > 0 && method.equals("GET") && (route.equals("blob") || route.equals("manifest"))) {
            metrics.count("berth_bytes_pulled_total", "Bytes sent in blob and manifest pulls",
                    Metrics.Labels.of("kind", route), out);
        }
    }

    /** HTTP's methods (RFC 9110, PATCH): the server accepts any token as a method, the label takes only these. */
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS",
            "TRACE", "CONNECT");

    /** The method as a label: any other method (case matters in HTTP) is {@code other}, so clients cannot add series. */
    static String methodLabel(String method) {
        return METHODS.contains(method) ? method : "other";
    }

    /** The status as a label: the three-digit codes HTTP defines, anything else {@code other}. */
    static String statusLabel(int status) {
        return status >= 100 && status <= 599 ? String.valueOf(status) : "other";
    }

    /** The route as a small fixed set of names: never the repository, which would explode the label space. */
    static String route(String path) {
        if (path.equals("/v2") || path.startsWith("/v2/")) {
            try {
                return switch (Route.of(path.length() <= 3 ? "/" : path.substring(3)).kind()) {
                    case BASE -> "base";
                    case CATALOG -> "catalog";
                    case TAGS -> "tags";
                    case MANIFEST -> "manifest";
                    case UPLOADS -> "blob_uploads";
                    case UPLOAD -> "blob_upload";
                    case BLOB -> "blob";
                    case REFERRERS -> "referrers";
                    case UNKNOWN -> "v2_unknown";
                };
            } catch (RegistryException e) {
                return "v2_invalid";
            }
        }
        for (String prefix : new String[] {"admin", "health", "debug"}) {
            if (path.equals("/" + prefix) || path.startsWith("/" + prefix + "/")) {
                return prefix;
            }
        }
        return "other";
    }

    /**
     * Without {@code http.debug.prometheus.bearertoken} anybody may read the metrics; with it, only a
     * request with {@code Authorization: Bearer} and that token, compared in constant time.
     */
    static boolean metricsAllowed(HttpObservability settings, String authorization) {
        if (settings.metricsBearerToken().isEmpty()) {
            return true;
        }
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        // digests of equal length, so that not even the token's length shows in the timing
        return MessageDigest.isEqual(sha256(settings.metricsBearerToken().get()), sha256(authorization.substring(7).trim()));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void serveMetrics(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!request.getMethod().equals("GET") && !request.getMethod().equals("HEAD")) {
            response.setStatus(405);
            response.setHeader("Allow", "GET, HEAD");
            return;
        }
        Metrics.Exposition exposition = metrics.expose(request.getHeader("Accept"));
        response.setStatus(200);
        response.setContentType(exposition.contentType());
        response.setHeader("Vary", "Accept");
        response.setContentLength(exposition.body().length);
        if (request.getMethod().equals("GET")) {
            response.getOutputStream().write(exposition.body());
        }
    }

    private static RequestContext context(String id, HttpServletRequest request) {
        String userAgent = request.getHeader("User-Agent");
        String host = request.getHeader("Host");
        return new RequestContext(id, request.getRemoteAddr() + ":" + request.getRemotePort(),
                host == null ? "" : host, request.getMethod(), userAgent == null ? "" : userAgent,
                Urls.absolute(request, ""), null);
    }

    /**
     * One line per request: never the query string's secrets nor any header but the user agent. The
     * fields also travel as a map parameter, which the JSON log format writes as fields.
     */
    private static void accessLog(String id, String path, HttpServletRequest request, int status, long in, long out,
                                  long nanos) {
        if (!ACCESS.isLoggable(Level.INFO)) {
            return;
        }
        String user = CurrentRequest.get().actor();
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("requestId", id);
        fields.put("remoteAddr", request.getRemoteAddr());
        fields.put("method", request.getMethod());
        fields.put("path", path);
        fields.put("status", status);
        fields.put("bytesIn", in);
        fields.put("bytesOut", out);
        fields.put("durationMs", nanos / 1_000_000.0);
        fields.put("user", user == null ? "-" : user);
        fields.put("userAgent", request.getHeader("User-Agent") == null ? "-" : request.getHeader("User-Agent"));
        String line = accessLine(request.getRemoteAddr(), request.getMethod(), path, status, in, out, nanos,
                (String) fields.get("user"), id);
        LogRecord record = new LogRecord(Level.INFO, line);
        record.setLoggerName(ACCESS_LOGGER);
        record.setParameters(new Object[] {fields});
        ACCESS.log(record);
    }

    /**
     * The access log's text: {@code 127.0.0.1 GET /v2/x/tags/list 200 in=0 out=35 1.2ms user=- id=...},
     * the path with CR and LF made harmless. Built by hand: String.format and a regex took a tenth of
     * a cached {@code tags/list} request's CPU (issue 16).
     */
    static String accessLine(String remoteAddr, String method, String path, int status, long in, long out, long nanos,
                             String user, String id) {
        long tenthsOfMs = Math.round(nanos / 100_000.0);
        return new StringBuilder(160).append(remoteAddr).append(' ').append(method).append(' ')
                .append(path.replace('\r', '_').replace('\n', '_')).append(' ').append(status)
                .append(" in=").append(in).append(" out=").append(out).append(' ')
                .append(tenthsOfMs / 10).append('.').append(tenthsOfMs % 10).append("ms user=").append(user)
                .append(" id=").append(id).toString();
    }
}
