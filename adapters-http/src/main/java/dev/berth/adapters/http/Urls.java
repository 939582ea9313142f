package dev.berth.adapters.http;

import jakarta.servlet.http.HttpServletRequest;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Absolute URLs for Location and Link headers: an absolute URL works whether a client resolves it
 * as relative or takes it as it is. Behind a TLS-terminating proxy the scheme and host come from
 * X-Forwarded-Proto and X-Forwarded-Host (as Distribution does), so clients stay on https.
 */
final class Urls {

    private Urls() {
    }

    private static final String HOST = "[A-Za-z0-9.:\\[\\]_-]{1,255}";

    static String absolute(HttpServletRequest request, String pathAndQuery) {
        String host = first(request.getHeader("X-Forwarded-Host"));
        if (host == null || !host.matches(HOST)) {
            host = request.getHeader("Host");
        }
        if (host == null || !host.matches(HOST)) {
            host = request.getServerName() + ":" + request.getServerPort();
        }
        String scheme = first(request.getHeader("X-Forwarded-Proto"));
        if (!"https".equalsIgnoreCase(scheme) && !"http".equalsIgnoreCase(scheme)) {
            scheme = request.getScheme();
        }
        return scheme.toLowerCase(java.util.Locale.ROOT) + "://" + host + request.getContextPath() + pathAndQuery;
    }

    /** The first value of a proxy header that may list every hop ("https, http"). */
    private static String first(String header) {
        return header == null ? null : header.split(",", 2)[0].trim();
    }

    static String query(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
