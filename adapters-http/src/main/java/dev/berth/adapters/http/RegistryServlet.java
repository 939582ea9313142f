package dev.berth.adapters.http;

import dev.berth.domain.Digest;
import dev.berth.domain.error.RegistryException;
import dev.berth.domain.error.UnsupportedException;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The registry API (Docker Registry HTTP API V2 / OCI distribution-spec 1.1) under /v2. A plain
 * servlet: bytes stream straight between the socket and the storage driver, and every route, method
 * and header is explicit.
 */
@WebServlet(name = "berth-registry", urlPatterns = "/v2/*", loadOnStartup = 1)
public class RegistryServlet extends HttpServlet {

    private static final Logger LOG = Logger.getLogger(RegistryServlet.class.getName());

    @Inject
    BlobRequests blobs;
    @Inject
    UploadRequests uploads;
    @Inject
    ManifestRequests manifests;
    @Inject
    ListRequests lists;

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String method = request.getMethod();
        boolean head = method.equals("HEAD");
        response.setHeader("Docker-Distribution-API-Version", "registry/2.0");
        try {
            dispatch(Route.of(request.getPathInfo()), method, head, request, response);
        } catch (RegistryException e) {
            if (RegistryErrors.status(e) >= 500) {
                LOG.log(Level.WARNING, e.code() + " on " + method + " " + request.getRequestURI(), e);
            }
            if (!response.isCommitted()) {
                RegistryErrors.send(response, e, head);
            }
        } catch (IOException e) {
            // mostly a client that went away mid-transfer; nothing left to answer
            LOG.log(Level.FINE, "I/O error on " + method + " " + request.getRequestURI(), e);
            if (!response.isCommitted()) {
                response.sendError(500);
            }
        } catch (RuntimeException e) {
            // the request's id: the client sees it in X-Request-Id, the log line names it
            String id = response.getHeader("X-Request-Id") != null ? response.getHeader("X-Request-Id")
                    : UUID.randomUUID().toString();
            LOG.log(Level.SEVERE, "Unexpected error " + id + " on " + method + " " + request.getRequestURI(), e);
            if (!response.isCommitted()) {
                RegistryErrors.send(response, 500, "UNKNOWN", "unknown error", "see the server log for error " + id, head);
            }
        }
    }

    private void dispatch(Route route, String method, boolean head, HttpServletRequest request,
                          HttpServletResponse response) throws IOException {
        switch (route.kind()) {
            case BASE -> {
                requireMethod(method, "GET", "HEAD");
                response.setStatus(200);
                response.setContentType("application/json");
                response.setContentLength(2);
                if (!head) {
                    response.getOutputStream().write('{');
                    response.getOutputStream().write('}');
                }
            }
            case CATALOG -> {
                requireMethod(method, "GET", "HEAD");
                lists.catalog(request, response, head);
            }
            case TAGS -> {
                requireMethod(method, "GET", "HEAD");
                lists.tags(route.repository(), request, response, head);
            }
            case REFERRERS -> {
                requireMethod(method, "GET", "HEAD");
                lists.referrers(route.repository(), route.argument(), request, response, head);
            }
            case MANIFEST -> {
                switch (method) {
                    case "GET", "HEAD" -> manifests.get(route.repository(), route.argument(), request, response, head);
                    case "PUT" -> manifests.put(route.repository(), route.argument(), request, response);
                    case "DELETE" -> manifests.delete(route.repository(), route.argument(), response);
                    default -> throw unsupported(method);
                }
            }
            case BLOB -> {
                switch (method) {
                    case "GET", "HEAD" -> blobs.get(route.repository(), Digest.parse(route.argument()), request, response, head);
                    case "DELETE" -> blobs.delete(route.repository(), Digest.parse(route.argument()), response);
                    default -> throw unsupported(method);
                }
            }
            case UPLOADS -> {
                requireMethod(method, "POST");
                uploads.post(route.repository(), request, response);
            }
            case UPLOAD -> {
                switch (method) {
                    case "PATCH" -> uploads.patch(route.repository(), route.argument(), request, response);
                    case "PUT" -> uploads.put(route.repository(), route.argument(), request, response);
                    case "GET", "HEAD" -> uploads.status(route.repository(), route.argument(), request, response);
                    case "DELETE" -> uploads.cancel(route.repository(), route.argument(), response);
                    default -> throw unsupported(method);
                }
            }
            case UNKNOWN -> RegistryErrors.send(response, 404, "NOT_FOUND", "no such registry API endpoint",
                    null, head);
        }
    }

    private static void requireMethod(String method, String... allowed) {
        for (String a : allowed) {
            if (a.equals(method)) {
                return;
            }
        }
        throw unsupported(method);
    }

    private static UnsupportedException unsupported(String method) {
        return new UnsupportedException(method + " is not supported here");
    }
}
