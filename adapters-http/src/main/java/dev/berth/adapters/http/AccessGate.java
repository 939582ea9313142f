package dev.berth.adapters.http;

import dev.berth.application.access.AccessSettings;
import dev.berth.application.access.Authenticated;
import dev.berth.application.access.AuthenticateCaller;
import dev.berth.application.access.AuthorizeAccess;
import dev.berth.application.access.Credential;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.access.Action;
import dev.berth.domain.access.Caller;
import dev.berth.domain.error.UnauthorizedException;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * Authentication at the HTTP edge: reads the {@code Authorization} header (Basic, or Bearer in
 * token mode), asks the use cases who the caller is and whether they may act, and writes the
 * {@code WWW-Authenticate} challenge of a 401.
 */
@Dependent
class AccessGate {

    private final AuthenticateCaller authenticate;
    private final AuthorizeAccess authorize;
    private final AccessSettings settings;

    @Inject
    AccessGate(AuthenticateCaller authenticate, AuthorizeAccess authorize, AccessSettings settings) {
        this.authenticate = authenticate;
        this.authorize = authorize;
        this.settings = settings;
    }

    boolean open() {
        return settings.mode() == AccessSettings.Mode.OPEN;
    }

    /**
     * @param login whether this request is a login (docker login's GET /v2/, the token endpoint)
     * @throws UnauthorizedException for credentials that are wrong, unreadable, or of the wrong kind
     */
    Authenticated authenticate(HttpServletRequest request, boolean login) {
        if (open()) {
            return new Authenticated(Caller.unrestricted(), Credential.NONE);
        }
        String header = request.getHeader("Authorization");
        String address = request.getRemoteAddr();
        if (header == null || header.isBlank()) {
            return new Authenticated(authenticate.anonymous(), Credential.NONE);
        }
        if (startsWithIgnoreCase(header, "Basic ")) {
            String[] credentials = basic(header);
            return new Authenticated(authenticate.withPassword(credentials[0], credentials[1], address, login),
                    Credential.PASSWORD);
        }
        if (startsWithIgnoreCase(header, "Bearer ") && settings.mode() == AccessSettings.Mode.TOKEN) {
            return authenticate.withToken(header.substring(7).trim(), address);
        }
        throw new UnauthorizedException("unsupported authorization scheme");
    }

    /** Name and password of a Basic header. @throws UnauthorizedException when it is not one */
    static String[] basic(String header) {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new UnauthorizedException("malformed basic credentials");
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            throw new UnauthorizedException("malformed basic credentials");
        }
        return new String[]{decoded.substring(0, colon), decoded.substring(colon + 1)};
    }

    private static boolean startsWithIgnoreCase(String text, String prefix) {
        return text.regionMatches(true, 0, prefix, 0, prefix.length());
    }

    void require(Authenticated access, Action action, RepositoryName repository) {
        authorize.require(access.caller(), access.credential(), action, repository);
    }

    boolean allows(Authenticated access, Action action, RepositoryName repository) {
        return authorize.allows(access.caller(), action, repository);
    }

    /**
     * The {@code WWW-Authenticate} value of a 401. A request that sent credentials and needs a scope
     * gets {@code error="insufficient_scope"} (RFC 6750 3.1, as Distribution): a bearer token lacking
     * the action, and the token client asks its token server for that scope.
     *
     * @param scope the token scope the request needs, e.g. {@code repository:team-a/app:pull,push}
     */
    String challenge(HttpServletRequest request, Optional<String> scope) {
        if (settings.mode() != AccessSettings.Mode.TOKEN) {
            return "Basic realm=\"" + quoted(settings.realm()) + "\"";
        }
        String realm = settings.realm().isEmpty() ? Urls.absolute(request, "/token") : settings.realm();
        StringBuilder challenge = new StringBuilder("Bearer realm=\"").append(quoted(realm))
                .append("\",service=\"").append(quoted(settings.service())).append('"');
        scope.ifPresent(s -> challenge.append(",scope=\"").append(quoted(s)).append('"'));
        if (scope.isPresent() && request.getHeader("Authorization") != null) {
            challenge.append(",error=\"insufficient_scope\"");
        }
        return challenge.toString();
    }

    private static String quoted(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
