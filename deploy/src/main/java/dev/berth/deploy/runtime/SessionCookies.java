package dev.berth.deploy.runtime;

import dev.berth.deploy.config.BerthConfig;
import dev.berth.deploy.config.ConfigLoader;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;

/**
 * Marks the admin UI's session cookie Secure when browsers reach Berth over HTTPS through a
 * TLS-terminating proxy ({@code http.host} https://…): Payara sees plain HTTP there and would leave
 * the flag off. HttpOnly and SameSite come from WEB-INF/glassfish-web.xml.
 */
@WebListener
public class SessionCookies implements ServletContextListener {

    @Override
    public void contextInitialized(ServletContextEvent event) {
        BerthConfig config;
        try {
            config = ConfigLoader.load(ConfigLoader.locate(null, System.getenv()), System.getenv());
        } catch (RuntimeException e) {
            return; // a configuration that does not load stops Berth's start anyway, with its own message
        }
        if (behindHttpsProxy(config)) {
            event.getServletContext().getSessionCookieConfig().setSecure(true);
        }
    }

    static boolean behindHttpsProxy(BerthConfig config) {
        return config.publicUrls().host().filter(host -> host.startsWith("https://")).isPresent();
    }
}
