package dev.berth.adminui;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.server.ErrorEvent;
import com.vaadin.flow.server.VaadinServlet;
import dev.berth.domain.error.RegistryException;
import dev.berth.domain.error.UnauthorizedException;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebInitParam;
import jakarta.servlet.annotation.WebServlet;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The admin UI lives under /admin; Vaadin also needs /VAADIN/* for its static bundle. Everything
 * else (/v2, /health) stays with the registry API. Idle sessions close although the page's
 * heartbeats keep arriving, so an unattended browser signs out.
 */
@WebServlet(name = "berth-admin", urlPatterns = {"/admin/*", "/VAADIN/*"}, asyncSupported = true, loadOnStartup = 1,
        initParams = @WebInitParam(name = "closeIdleSessions", value = "true"))
public class AdminServlet extends VaadinServlet {

    private static final Logger LOG = Logger.getLogger(AdminServlet.class.getName());

    @Override
    protected void servletInitialized() throws ServletException {
        super.servletInitialized();
        // the page's first HTML response carries the UI with its view already built (Flow's "eager server
        // load"): the browser skips the ?v-r=init round trip, which it could only start after evaluating the
        // 350 KB entry script, and its first request afterwards only confirms the view (issue 22)
        getService().setBootstrapInitialPredicate(request -> true);
        getService().addUIInitListener(e -> e.getUI().addBeforeEnterListener(new AccessControl()));
        getService().addSessionInitListener(e -> e.getSession().setErrorHandler(AdminServlet::report));
    }

    /** What went wrong, said to the user: refusals and bad input by their reason, anything else briefly. */
    private static void report(ErrorEvent event) {
        Throwable cause = event.getThrowable();
        while (cause.getCause() != null && !(cause instanceof RegistryException)
                && !(cause instanceof IllegalArgumentException)) {
            cause = cause.getCause();
        }
        if (UI.getCurrent() == null) {
            LOG.log(Level.WARNING, "admin UI error outside a page", event.getThrowable());
            return;
        }
        if (cause instanceof UnauthorizedException) {
            CDI.current().select(AdminSession.class).get().signOut();
            UI.getCurrent().getPage().setLocation("login");
        } else if (cause instanceof RegistryException refused) {
            String detail = refused.detail();
            Feedback.failed(detail == null || detail.isBlank() ? refused.getMessage() : detail);
        } else if (cause instanceof IllegalArgumentException) {
            Feedback.failed(cause.getMessage());
        } else {
            LOG.log(Level.WARNING, "admin UI action failed", event.getThrowable());
            Feedback.failed("That did not work: " + cause.getClass().getSimpleName()
                    + ". The server log has the details.");
        }
    }
}
