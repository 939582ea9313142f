package dev.berth.adapters.http;

import jakarta.servlet.http.HttpServletRequest;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Absolute URLs for Location and Link headers, built from the request's own scheme and Host: an
 * absolute URL works whether a client resolves it as relative or takes it as it is.
 */
final class Urls {

    private Urls() {
    }

    static String absolute(HttpServletRequest request, String pathAndQuery) {
        String host = request.getHeader("Host");
        if (host == null || host.isBlank() || !host.matches("[A-Za-z0-9.:\\[\\]_-]{1,255}")) {
            host = request.getServerName() + ":" + request.getServerPort();
        }
        return request.getScheme() + "://" + host + request.getContextPath() + pathAndQuery;
    }

    static String query(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
