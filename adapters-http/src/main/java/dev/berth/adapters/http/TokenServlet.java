package dev.berth.adapters.http;

import dev.berth.application.access.AccessSettings;
import dev.berth.application.access.AuthenticateCaller;
import dev.berth.application.access.IssueToken;
import dev.berth.domain.access.Caller;
import dev.berth.domain.access.Scope;
import dev.berth.domain.error.RegistryException;
import dev.berth.domain.error.TooManyRequestsException;
import dev.berth.domain.error.UnauthorizedException;
import jakarta.inject.Inject;
import jakarta.json.JsonObjectBuilder;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Berth's token endpoint, per the Docker token specification: {@code GET /token?service=&scope=}
 * with optional basic credentials, and the OAuth2 {@code POST /token} with the {@code password}
 * and {@code refresh_token} grants. Answers 404 unless {@code auth.token} is configured.
 */
@WebServlet(name = "berth-token", urlPatterns = "/token", loadOnStartup = 1)
public class TokenServlet extends HttpServlet {

    private static final Logger LOG = Logger.getLogger(TokenServlet.class.getName());

    @Inject
    AccessSettings settings;
    @Inject
    AuthenticateCaller authenticate;
    @Inject
    IssueToken issueToken;

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setHeader("Cache-Control", "no-store");
        if (settings.mode() != AccessSettings.Mode.TOKEN) {
            RegistryErrors.send(response, 404, "NOT_FOUND", "no token endpoint: Berth is not configured for token auth",
                    null, false);
            return;
        }
        try {
            switch (request.getMethod()) {
                case "GET" -> get(request, response);
                case "POST" -> post(request, response);
                default -> RegistryErrors.send(response, 405, "UNSUPPORTED", "GET or POST only", null, false);
            }
        } catch (RegistryException e) {
            if (e instanceof UnauthorizedException) {
                response.setHeader("WWW-Authenticate", "Basic realm=\"" + settings.service() + "\"");
            } else if (e instanceof TooManyRequestsException) {
                response.setHeader("Retry-After", "60");
            }
            RegistryErrors.send(response, e, false);
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "Token request failed", e);
            RegistryErrors.send(response, 500, "UNKNOWN", "unknown error", null, false);
        }
    }

    private void get(HttpServletRequest request, HttpServletResponse response) throws IOException {
        List<String> services = queryValues(request, "service");
        if (!checkService(services, response)) {
            return;
        }
        String header = request.getHeader("Authorization");
        Caller caller;
        if (header != null && header.regionMatches(true, 0, "Basic ", 0, 6)) {
            String[] credentials = AccessGate.basic(header);
            caller = authenticate.withPassword(credentials[0], credentials[1], request.getRemoteAddr(), true);
        } else if (header != null && !header.isBlank()) {
            throw new UnauthorizedException("the token endpoint takes basic credentials");
        } else {
            caller = authenticate.anonymous();
        }
        boolean offline = queryValues(request, "offline_token").contains("true");
        IssueToken.Issued issued = issueToken.issue(caller, scopes(queryValues(request, "scope")),
                offline && caller.authenticated());
        send(response, issued);
    }

    private void post(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String service = request.getParameter("service");
        if (!checkService(service == null ? List.of() : List.of(service), response)) {
            return;
        }
        String grantType = Optional.ofNullable(request.getParameter("grant_type")).orElse("");
        String address = request.getRemoteAddr();
        Caller caller;
        boolean refresh;
        switch (grantType) {
            case "password" -> {
                String username = request.getParameter("username");
                String password = request.getParameter("password");
                if (username == null || password == null) {
                    oauthError(response, "invalid_request", "username and password are required");
                    return;
                }
                caller = authenticate.withPassword(username, password, address, true);
                refresh = "offline".equals(request.getParameter("access_type"));
            }
            case "refresh_token" -> {
                String token = request.getParameter("refresh_token");
                if (token == null) {
                    oauthError(response, "invalid_request", "refresh_token is required");
                    return;
                }
                caller = authenticate.withRefreshToken(token, address);
                refresh = true;
            }
            default -> {
                oauthError(response, "unsupported_grant_type", "grant_type must be password or refresh_token");
                return;
            }
        }
        String[] scopeValues = request.getParameterValues("scope");
        IssueToken.Issued issued = issueToken.issue(caller, scopes(scopeValues == null ? List.of() : List.of(scopeValues)),
                refresh);
        send(response, issued);
    }

    private boolean checkService(List<String> services, HttpServletResponse response) throws IOException {
        if (services.stream().anyMatch(s -> !s.equals(settings.service()))) {
            oauthError(response, "invalid_request", "unknown service; this token endpoint serves '"
                    + settings.service() + "'");
            return false;
        }
        return true;
    }

    private static List<Scope> scopes(List<String> values) {
        List<Scope> scopes = new ArrayList<>();
        values.forEach(v -> scopes.addAll(Scope.parseList(v)));
        return scopes;
    }

    private static void send(HttpServletResponse response, IssueToken.Issued issued) throws IOException {
        JsonObjectBuilder body = JsonBuilders.object()
                .add("token", issued.token())
                .add("access_token", issued.token())
                .add("expires_in", issued.expiresIn().toSeconds())
                .add("issued_at", issued.issuedAt().toString())
                .add("scope", String.join(" ", issued.access().stream().map(Scope::toString).toList()));
        issued.refreshToken().ifPresent(r -> body.add("refresh_token", r));
        write(response, 200, body.build().toString());
    }

    private static void oauthError(HttpServletResponse response, String error, String description) throws IOException {
        write(response, 400, JsonBuilders.object().add("error", error).add("error_description", description)
                .build().toString());
    }

    private static void write(HttpServletResponse response, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType("application/json");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    /** Every value of a query parameter: a token request may repeat {@code scope}. */
    private static List<String> queryValues(HttpServletRequest request, String name) {
        List<String> values = new ArrayList<>();
        String query = request.getQueryString();
        if (query == null) {
            return values;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq));
            if (key.equals(name)) {
                values.add(eq < 0 ? "" : decode(pair.substring(eq + 1)));
            }
        }
        return values;
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return text;
        }
    }
}
