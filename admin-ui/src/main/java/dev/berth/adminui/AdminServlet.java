package dev.berth.adminui;

import com.vaadin.flow.server.VaadinServlet;
import jakarta.servlet.annotation.WebServlet;

/**
 * The admin UI lives under /admin; Vaadin also needs /VAADIN/* for its static bundle. Everything
 * else (/v2, /health) stays with the registry API.
 */
@WebServlet(name = "berth-admin", urlPatterns = {"/admin/*", "/VAADIN/*"}, asyncSupported = true, loadOnStartup = 1)
public class AdminServlet extends VaadinServlet {
}
