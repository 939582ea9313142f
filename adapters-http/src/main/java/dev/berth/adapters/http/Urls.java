package dev.berth.adapters.http;

import jakarta.servlet.http.HttpServletRequest;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The URLs Berth hands out. Absolute by default (an absolute URL works whether a client resolves
 * it as relative or takes it as it is), from {@code http.host} when set, else from the request's
 * scheme and Host, which {@link ForwardedRequest} takes from X-Forwarded-* only for a trusted proxy.
 */
final class Urls {

    /** Where {@link ForwardedRequest} leaves the {@link PublicUrls} for this request. */
    static final String SETTINGS_ATTRIBUTE = PublicUrls.class.getName();
    /** What a Host header may hold: a name or an address literal, with a port. */
    static final String HOST = "[A-Za-z0-9.:\\[\\]_-]{1,255}";

    private Urls() {
    }

    /** An absolute URL, always: the token realm, events. */
    static String absolute(HttpServletRequest request, String pathAndQuery) {
        PublicUrls settings = settings(request);
        if (settings.host().isPresent()) {
            return settings.host().get() + request.getContextPath() + pathAndQuery;
        }
        String host = request.getHeader("Host");
        if (host == null || !host.matches(HOST)) {
            host = request.getServerName() + ":" + request.getServerPort();
        }
        return request.getScheme().toLowerCase(Locale.ROOT) + "://" + host + request.getContextPath() + pathAndQuery;
    }

    /** For Location and Link headers: a path when {@code http.relativeurls} says so, else {@link #absolute}. */
    static String location(HttpServletRequest request, String pathAndQuery) {
        return settings(request).relativeUrls() ? request.getContextPath() + pathAndQuery : absolute(request, pathAndQuery);
    }

    private static PublicUrls settings(HttpServletRequest request) {
        return request.getAttribute(SETTINGS_ATTRIBUTE) instanceof PublicUrls settings ? settings : PublicUrls.DIRECT;
    }

    static String query(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
