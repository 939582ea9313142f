package dev.berth.adapters.http;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;

/**
 * A request from a trusted proxy, seen as the client sent it to that proxy: the scheme from
 * X-Forwarded-Proto, the Host from X-Forwarded-Host, the client's address from X-Forwarded-For
 * (the nearest hop that no trusted proxy added). A request from any other peer passes unchanged:
 * its X-Forwarded-* headers are ignored, by the URLs, the audit log, throttling and the access log alike.
 */
final class ForwardedRequest extends HttpServletRequestWrapper {

    private final String scheme;
    private final String host;
    private final String client;

    private ForwardedRequest(HttpServletRequest request, String scheme, String host, String client) {
        super(request);
        this.scheme = scheme;
        this.host = host;
        this.client = client;
    }

    /** Also leaves {@code settings} on the request, where {@link Urls} finds them. */
    static HttpServletRequest of(HttpServletRequest request, PublicUrls settings) {
        request.setAttribute(Urls.SETTINGS_ATTRIBUTE, settings);
        if (!settings.trustedProxies().trusts(request.getRemoteAddr())) {
            return request;
        }
        String proto = first(request.getHeader("X-Forwarded-Proto"));
        String scheme = "https".equalsIgnoreCase(proto) || "http".equalsIgnoreCase(proto)
                ? proto.toLowerCase(Locale.ROOT) : null;
        String host = first(request.getHeader("X-Forwarded-Host"));
        if (host != null && !host.matches(Urls.HOST)) {
            host = null;
        }
        String client = client(request.getHeaders("X-Forwarded-For"), settings.trustedProxies());
        if (scheme == null && host == null && client == null) {
            return request;
        }
        return new ForwardedRequest(request, scheme, host, client);
    }

    /**
     * Walks X-Forwarded-For from the nearest hop back, past the trusted proxies: the first address
     * they did not add is the client (anything further left the client may have written itself).
     */
    static String client(Enumeration<String> headers, TrustedProxies trusted) {
        List<String> hops = new ArrayList<>();
        for (String header : headers == null ? List.<String>of() : Collections.list(headers)) {
            for (String hop : header.split(",")) {
                hops.add(hop.trim());
            }
        }
        String nearest = null;
        for (int i = hops.size() - 1; i >= 0; i--) {
            String hop = hops.get(i);
            if (TrustedProxies.literal(hop) == null) {
                return nearest; // not an address: nothing beyond it can be believed
            }
            nearest = hop;
            if (!trusted.trusts(hop)) {
                return hop;
            }
        }
        return nearest;
    }

    private static String first(String header) {
        return header == null ? null : header.split(",", 2)[0].trim();
    }

    @Override
    public String getScheme() {
        return scheme != null ? scheme : super.getScheme();
    }

    @Override
    public boolean isSecure() {
        return scheme != null ? scheme.equals("https") : super.isSecure();
    }

    @Override
    public String getHeader(String name) {
        return host != null && name.equalsIgnoreCase("Host") ? host : super.getHeader(name);
    }

    @Override
    public Enumeration<String> getHeaders(String name) {
        return host != null && name.equalsIgnoreCase("Host") ? Collections.enumeration(List.of(host))
                : super.getHeaders(name);
    }

    @Override
    public String getRemoteAddr() {
        return client != null ? client : super.getRemoteAddr();
    }

    @Override
    public String getRemoteHost() {
        return client != null ? client : super.getRemoteHost();
    }
}
