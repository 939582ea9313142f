package dev.berth.adapters.storage.swift;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;

/**
 * Gets and caches a Swift token and the storage URL that goes with it, from tempauth/swauth (v1) or
 * Keystone v3. A token is renewed shortly before it expires, and at once when Swift refuses it
 * ({@link #invalidate}). Error messages name the auth URL and the user, never the password.
 */
final class SwiftAuth {

    /** Renew this long before expiry, so a long chunk upload does not start with a dying token. */
    private static final Duration RENEW_BEFORE = Duration.ofMinutes(5);

    record Session(String token, URI storageUrl, Instant expires) {
        @Override
        public String toString() {
            return "swift session for " + storageUrl;
        }
    }

    private final SwiftOptions options;
    private final HttpClient http;
    private final Clock clock;
    private final Duration timeout;
    private Session session;

    /** @param timeout how long one request may wait for Swift's answer */
    SwiftAuth(SwiftOptions options, HttpClient http, Clock clock, Duration timeout) {
        this.options = options;
        this.http = http;
        this.clock = clock;
        this.timeout = timeout;
    }

    synchronized Session session() throws IOException {
        if (session == null || clock.instant().isAfter(session.expires().minus(RENEW_BEFORE))) {
            session = options.authVersion() == 3 ? keystoneV3() : v1();
        }
        return session;
    }

    /** Forgets {@code refused}, unless another thread already replaced it. */
    synchronized void invalidate(Session refused) {
        if (session == refused) {
            session = null;
        }
    }

    private Session v1() throws IOException {
        HttpResponse<String> response = send(HttpRequest.newBuilder(options.authUrl())
                .header("X-Auth-User", options.username())
                .header("X-Auth-Key", options.password())
                .GET());
        String token = response.headers().firstValue("X-Auth-Token").orElse(null);
        String storageUrl = response.headers().firstValue("X-Storage-Url").orElse(null);
        if (token == null || storageUrl == null) {
            throw new IOException("Swift authentication at " + options.authUrl()
                    + " answered without X-Auth-Token and X-Storage-Url: is authversion right?");
        }
        Instant expires = response.headers().firstValue("X-Auth-Token-Expires")
                .map(seconds -> clock.instant().plusSeconds((long) Double.parseDouble(seconds)))
                .orElse(clock.instant().plus(Duration.ofHours(1)));
        return new Session(token, URI.create(trimSlash(storageUrl)), expires);
    }

    private Session keystoneV3() throws IOException {
        String base = trimSlash(options.authUrl().toString());
        URI tokens = URI.create((base.endsWith("/v3") ? base : base + "/v3") + "/auth/tokens");
        HttpResponse<String> response = send(HttpRequest.newBuilder(tokens)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(v3Request())));
        String token = response.headers().firstValue("X-Subject-Token").orElseThrow(() -> new IOException(
                "Keystone at " + tokens + " answered without X-Subject-Token: is authversion right?"));
        Map<String, Object> body = Json.object(Json.object(Json.parse(response.body()), "the answer").get("token"),
                "token");
        Instant expires = expiry(body.get("expires_at"));
        return new Session(token, objectStoreEndpoint(body.get("catalog"), tokens), expires);
    }

    private String v3Request() {
        String userDomain = domainRef(options.domain(), options.domainId());
        String user = "{\"name\":" + Json.quote(options.username()) + ",\"password\":" + Json.quote(options.password())
                + (userDomain.isEmpty() ? "" : ",\"domain\":" + userDomain) + "}";
        String scope;
        if (!options.trustId().isEmpty()) {
            scope = "{\"OS-TRUST:trust\":{\"id\":" + Json.quote(options.trustId()) + "}}";
        } else if (!options.tenantId().isEmpty()) {
            scope = "{\"project\":{\"id\":" + Json.quote(options.tenantId()) + "}}";
        } else if (!options.tenant().isEmpty()) {
            // the project's domain defaults to the user's, as in Distribution
            String projectDomain = domainRef(options.tenantDomain(), options.tenantDomainId());
            if (projectDomain.isEmpty()) {
                projectDomain = userDomain;
            }
            scope = "{\"project\":{\"name\":" + Json.quote(options.tenant())
                    + (projectDomain.isEmpty() ? "" : ",\"domain\":" + projectDomain) + "}}";
        } else {
            scope = null;
        }
        return "{\"auth\":{\"identity\":{\"methods\":[\"password\"],\"password\":{\"user\":" + user + "}}"
                + (scope == null ? "" : ",\"scope\":" + scope) + "}}";
    }

    private static String domainRef(String name, String id) {
        if (!id.isEmpty()) {
            return "{\"id\":" + Json.quote(id) + "}";
        }
        return name.isEmpty() ? "" : "{\"name\":" + Json.quote(name) + "}";
    }

    private URI objectStoreEndpoint(Object catalog, URI tokens) throws IOException {
        String wanted = options.endpointType().isEmpty() ? "public" : options.endpointType();
        if (catalog != null) {
            for (Object entry : Json.array(catalog, "catalog")) {
                Map<String, Object> service = Json.object(entry, "catalog entry");
                if (!"object-store".equals(service.get("type"))) {
                    continue;
                }
                for (Object e : Json.array(service.get("endpoints"), "endpoints")) {
                    Map<String, Object> endpoint = Json.object(e, "endpoint");
                    boolean regionMatches = options.region().isEmpty()
                            || options.region().equals(endpoint.get("region"))
                            || options.region().equals(endpoint.get("region_id"));
                    if (wanted.equals(endpoint.get("interface")) && regionMatches
                            && endpoint.get("url") instanceof String url) {
                        return URI.create(trimSlash(url));
                    }
                }
            }
        }
        throw new IOException("Keystone at " + tokens + " lists no " + wanted + " object-store endpoint"
                + (options.region().isEmpty() ? "" : " in region " + options.region())
                + " for user " + options.username() + ": check tenant, region and endpointtype");
    }

    private Instant expiry(Object expiresAt) {
        if (expiresAt instanceof String text) {
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException e) {
                // some Keystones omit the zone: renew hourly then
            }
        }
        return clock.instant().plus(Duration.ofHours(1));
    }

    /** Sends the request (its body is bytes), again after a server error or an I/O error, as {@link SwiftRetries} says. */
    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException {
        HttpRequest built = request.timeout(timeout).build();
        HttpResponse<String> response;
        for (int attempt = 1; ; attempt++) {
            try {
                response = http.send(built, HttpResponse.BodyHandlers.ofString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while authenticating to Swift", e);
            } catch (IOException e) {
                if (attempt < SwiftRetries.ATTEMPTS) {
                    SwiftRetries.backoff(attempt);
                    continue;
                }
                throw new IOException("cannot reach the Swift auth URL " + options.authUrl() + " (" + attempt
                        + " attempts): " + e, e);
            }
            if (!SwiftRetries.retryable(response.statusCode()) || attempt == SwiftRetries.ATTEMPTS) {
                break;
            }
            SwiftRetries.backoff(attempt);
        }
        int status = response.statusCode();
        if (status == 401 || status == 403) {
            throw new IOException("Swift authentication at " + options.authUrl() + " refused user "
                    + options.username() + " (" + status + "): check username, password and tenant");
        }
        if (status / 100 != 2) {
            throw new IOException("Swift authentication at " + options.authUrl() + " failed with " + status
                    + Optional.ofNullable(response.body()).filter(b -> !b.isBlank())
                    .map(b -> ": " + b.substring(0, Math.min(200, b.length())).strip()).orElse(""));
        }
        return response;
    }

    private static String trimSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
