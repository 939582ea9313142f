package dev.berth.adminui;

import jakarta.servlet.FilterChain;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * What a browser is told about the admin UI's pages: load scripts, styles and data only from
 * Berth itself, never inside another site's frame (clickjacking), no referrer to other sites, no
 * content-type guessing. Flow's client evaluates the JavaScript its server sends and its bootstrap
 * page has inline scripts and styles, hence {@code 'unsafe-inline'}/{@code 'unsafe-eval'}; what it
 * runs still comes only from this origin.
 */
@WebFilter(filterName = "berth-admin-headers", urlPatterns = {"/admin/*", "/VAADIN/*"}, asyncSupported = true)
public class AdminSecurityHeaders extends HttpFilter {

    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; "
            + "script-src 'self' 'unsafe-inline' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
            + "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
            + "base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        response.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        response.setHeader("X-Frame-Options", "DENY");
        response.setHeader("Referrer-Policy", "same-origin");
        response.setHeader("X-Content-Type-Options", "nosniff");
        chain.doFilter(request, response);
    }
}
