package dev.berth.deploy.runtime;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.InputStream;
import java.util.regex.Pattern;

/**
 * The operator documentation (deploy/docs, bundled in the WAR) as plain text under {@code /docs/NAME.md}:
 * an admin page can link to it on a Berth that has no other way to reach the project's pages.
 */
@WebServlet(name = "berth-docs", urlPatterns = "/docs/*")
public class DocsServlet extends HttpServlet {

    /** One file name, nothing else: no path may leave the bundled directory. */
    private static final Pattern NAME = Pattern.compile("/[a-z0-9-]+\\.md");

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getPathInfo();
        InputStream doc = path == null || !NAME.matcher(path).matches() ? null
                : DocsServlet.class.getResourceAsStream("/berth-docs" + path);
        if (doc == null) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        try (doc) {
            response.setContentType("text/plain; charset=UTF-8");
            response.setHeader("X-Content-Type-Options", "nosniff");
            doc.transferTo(response.getOutputStream());
        }
    }
}
