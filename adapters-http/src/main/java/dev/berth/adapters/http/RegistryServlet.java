package dev.berth.adapters.http;

import dev.berth.application.access.Authenticated;
import dev.berth.application.access.RecordActivity;
import dev.berth.application.registry.PullThroughCache;
import dev.berth.domain.Digest;
import dev.berth.domain.access.Action;
import dev.berth.domain.error.RegistryException;
import dev.berth.domain.error.TooManyRequestsException;
import dev.berth.domain.error.UnauthorizedException;
import dev.berth.domain.error.UnsupportedException;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The registry API (Docker Registry HTTP API V2 / OCI distribution-spec 1.1) under /v2. A plain
 * servlet: bytes stream straight between the socket and the storage driver, and every route, method
 * and header is explicit. Every request is authenticated and authorized here, before it reaches a
 * use case, against every repository it touches.
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
    @Inject
    AccessGate gate;
    @Inject
    RecordActivity activity;
    @Inject
    PullThroughCache pullThrough;

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String method = request.getMethod();
        boolean head = method.equals("HEAD");
        response.setHeader("Docker-Distribution-API-Version", "registry/2.0");
        Optional<String> scope = Optional.empty();
        Route route = null;
        try {
            route = Route.of(request.getPathInfo());
            Optional<Action> action = action(route, method);
            Route routed = route;
            scope = action.map(a -> scope(routed, a)).or(() -> routed.kind() == Route.Kind.CATALOG
                    ? Optional.of("registry:catalog:*") : Optional.empty());
            Authenticated access = gate.authenticate(request, route.kind() == Route.Kind.BASE);
            if (route.kind() == Route.Kind.BASE && !gate.open() && !access.caller().authenticated()) {
                throw new UnauthorizedException();
            }
            // as Distribution: an anonymous caller who may pull nothing is asked to log in, not shown an empty list
            if (route.kind() == Route.Kind.CATALOG && !gate.open() && !access.caller().authenticated()
                    && access.caller().grants().isEmpty()) {
                throw new UnauthorizedException();
            }
            if (action.isPresent()) {
                gate.require(access, action.get(), route.repository());
                if (action.get() != Action.PULL) {
                    pullThrough.requireWritable(route.repository());
                }
            }
            dispatch(route, method, head, request, response, access);
            if (action.isPresent() && action.get() != Action.PULL && route.kind() != Route.Kind.UPLOADS
                    && route.kind() != Route.Kind.UPLOAD) {
                activity.record(access.caller(), request.getRemoteAddr(), action.get() == Action.PUSH ? "push" : "delete",
                        // one notation for the audit log: repo@digest for anything by digest, repo:tag for a tag
                        route.repository() + (route.argument().contains(":") ? "@" : ":") + route.argument());
            }
        } catch (RegistryException e) {
            if (e instanceof UnauthorizedException) {
                response.setHeader("WWW-Authenticate", gate.challenge(request, scope));
            } else if (e instanceof TooManyRequestsException) {
                response.setHeader("Retry-After", "60");
            } else if (e instanceof UnsupportedException u && route != null) {
                // a 405 must say which methods the resource still has (RFC 9110 15.5.6), e.g. reads in read-only mode
                response.setHeader("Allow", String.join(", ", allowed(route.kind(), u.refused())));
            }
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

    /** What a request does to its repository; empty for the routes without one (and unsupported methods). */
    private static Optional<Action> action(Route route, String method) {
        boolean read = method.equals("GET") || method.equals("HEAD");
        return Optional.ofNullable(switch (route.kind()) {
            case BASE, CATALOG, UNKNOWN -> null;
            case TAGS, REFERRERS -> Action.PULL;
            case MANIFEST, BLOB -> read ? Action.PULL
                    : method.equals("DELETE") ? Action.DELETE
                    : route.kind() == Route.Kind.MANIFEST && method.equals("PUT") ? Action.PUSH : null;
            case UPLOADS, UPLOAD -> Action.PUSH;
        });
    }

    /** The methods an endpoint answers, less those the refusal covers; empty when none remain. */
    static List<String> allowed(Route.Kind kind, UnsupportedException.Refused refused) {
        List<String> methods = switch (kind) {
            case MANIFEST -> List.of("GET", "HEAD", "PUT", "DELETE");
            case BLOB -> List.of("GET", "HEAD", "DELETE");
            case UPLOADS -> List.of("POST");
            case UPLOAD -> List.of("GET", "HEAD", "PATCH", "PUT", "DELETE");
            case BASE, CATALOG, TAGS, REFERRERS, UNKNOWN -> List.of("GET", "HEAD");
        };
        return methods.stream().filter(m -> switch (refused) {
            case THIS_REQUEST -> true;
            case DELETES -> !m.equals("DELETE");
            case WRITES -> m.equals("GET") || m.equals("HEAD");
        }).toList();
    }

    /** The token scope a request needs, as a client asks the token endpoint for it. */
    private static String scope(Route route, Action action) {
        return "repository:" + route.repository() + ":" + switch (action) {
            case PULL -> "pull";
            case PUSH -> "pull,push";
            case DELETE -> "delete";
        };
    }

    private void dispatch(Route route, String method, boolean head, HttpServletRequest request,
                          HttpServletResponse response, Authenticated access) throws IOException {
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
                lists.catalog(request, response, head, access.caller());
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
                // a mount must not reveal a blob of a repository the caller cannot pull (zot CVE-2024-39897);
                // without "from" any repository's copy would do, so only callers who may pull everything get it
                uploads.post(route.repository(), uploader(access), request, response, from -> from
                        .map(f -> gate.allows(access, Action.PULL, f))
                        .orElse(gate.open() || access.caller().admin()));
            }
            case UPLOAD -> {
                switch (method) {
                    case "PATCH" -> uploads.patch(route.repository(), route.argument(), uploader(access), request, response);
                    case "PUT" -> uploads.put(route.repository(), route.argument(), uploader(access), request, response);
                    case "GET", "HEAD" -> uploads.status(route.repository(), route.argument(), uploader(access), request,
                            response);
                    case "DELETE" -> uploads.cancel(route.repository(), route.argument(), uploader(access), response);
                    default -> throw unsupported(method);
                }
            }
            case UNKNOWN -> RegistryErrors.send(response, 404, "NOT_FOUND", "no such registry API endpoint",
                    null, head);
        }
    }

    /** Whose upload it is: the user's name (a robot's uploads are its user's), empty for anonymous callers. */
    private static String uploader(Authenticated access) {
        return access.caller().authenticated() ? access.caller().name() : "";
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
