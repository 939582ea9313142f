package dev.berth.adminui;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;

import java.io.IOException;

/**
 * The production bundle's files (VAADIN/build/NAME-HASH.js) never change under their name: a new
 * Berth version ships new names. Vaadin marks them fresh for an hour only, so an admin who comes back
 * later revalidates some twenty scripts, one round trip each, before the page can start. Here they stay
 * fresh for a year and are never revalidated ({@code immutable}).
 */
@WebFilter(filterName = "berth-admin-bundle-caching", urlPatterns = {"/admin/VAADIN/build/*", "/VAADIN/build/*"},
        asyncSupported = true)
public class AdminBundleCaching extends HttpFilter {

    static final String CACHE_CONTROL = "public, max-age=31536000, immutable";

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        // only where Vaadin sets its own caching, i.e. when it serves a file: a 404 stays uncached
        chain.doFilter(request, new HttpServletResponseWrapper(response) {
            @Override
            public void setHeader(String name, String value) {
                super.setHeader(name, "Cache-Control".equalsIgnoreCase(name) ? CACHE_CONTROL : value);
            }

            @Override
            public void addHeader(String name, String value) {
                super.addHeader(name, "Cache-Control".equalsIgnoreCase(name) ? CACHE_CONTROL : value);
            }
        });
    }
}
