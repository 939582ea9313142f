package dev.berth.adminui;

import com.vaadin.flow.server.VaadinRequest;
import com.vaadin.flow.server.VaadinResponse;
import com.vaadin.flow.server.VaadinService;
import com.vaadin.flow.server.VaadinServletRequest;
import com.vaadin.flow.server.VaadinSession;
import dev.berth.application.access.AdminSessionLimits;
import dev.berth.application.access.AuthenticateCaller;
import dev.berth.application.access.EndAdminSession;
import dev.berth.application.access.RecordSignOut;
import dev.berth.application.access.ResumeAdminSession;
import dev.berth.application.access.StartAdminSession;
import dev.berth.application.system.InstanceInfo;
import dev.berth.domain.access.Caller;
import dev.berth.domain.error.UnauthorizedException;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import jakarta.servlet.http.Cookie;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;

/**
 * Who is signed in to this browser session. Only the user's name is kept in the session: the
 * caller is looked up again for every use, so changed grants apply at once and a disabled user is
 * signed out at their next click.
 * <p>
 * The sign-in is also recorded in the shared database, its secret in a cookie: a browser whose node
 * died (or restarted) reaches another node with a session id that node does not know, and lands
 * there signed in (Vaadin reloads the page; what was typed into an open form is lost). Each node
 * confirms the sign-in with the database at most every {@link AdminSessionLimits#CHECK_INTERVAL}, so a
 * sign-out, a password reset or a change of standing on any node ends it everywhere.
 */
@Dependent
public class AdminSession {

    /** Idle sessions end after this (Vaadin's heartbeats do not count: closeIdleSessions). */
    static final Duration IDLE_TIMEOUT = AdminSessionLimits.IDLE;
    /** The cookie holding the sign-in's secret: HttpOnly, only sent to the admin UI. */
    static final String COOKIE = "berth_admin";
    private static final String USER = "berth.user";
    private static final String ADDRESS = "berth.address";
    private static final String SECRET = "berth.secret";
    private static final String CHECKED = "berth.checked";

    private final AuthenticateCaller authenticate;
    private final RecordSignOut signOuts;
    private final InstanceInfo instance;
    private final StartAdminSession starts;
    private final ResumeAdminSession resumes;
    private final EndAdminSession ends;

    @Inject
    public AdminSession(AuthenticateCaller authenticate, RecordSignOut signOuts, InstanceInfo instance,
                        StartAdminSession starts, ResumeAdminSession resumes, EndAdminSession ends) {
        this.authenticate = authenticate;
        this.signOuts = signOuts;
        this.instance = instance;
        this.starts = starts;
        this.resumes = resumes;
        this.ends = ends;
    }

    /**
     * Checks the password (throttled and audited like a docker login) and signs the user in under a
     * new session id, so that a session id known before the login is worth nothing after it. A robot
     * token is refused: the session keeps only a name, and a robot's limit would be lost with it.
     */
    public Caller signIn(String name, String password) {
        String address = requestAddress();
        Caller caller = authenticate.signIn(name, password, address);
        VaadinService.reinitializeSession(VaadinRequest.getCurrent());
        signedIn(VaadinSession.getCurrent(), caller.name(), address, starts.start(caller, address));
        return caller;
    }

    /**
     * A new secret for this sign-in after the user changed their own password (which ends sign-ins
     * made before it, this one included). Not through {@link #current()}: its periodic check would
     * find the old secret ended by that very change.
     */
    public void renew() {
        VaadinSession session = VaadinSession.getCurrent();
        Caller caller = authenticate.resume((String) session.getAttribute(USER));
        ends.end((String) session.getAttribute(SECRET));
        signedIn(session, caller.name(), address(), starts.start(caller, address()));
    }

    private static void signedIn(VaadinSession session, String name, String address, String secret) {
        session.setAttribute(USER, name);
        session.setAttribute(ADDRESS, address);
        session.setAttribute(SECRET, secret);
        session.setAttribute(CHECKED, Instant.now());
        session.getSession().setMaxInactiveInterval((int) IDLE_TIMEOUT.toSeconds());
        setCookie(secret, -1);
    }

    /** The signed-in caller as of now; empty when nobody is signed in or the user was disabled. */
    public Optional<Caller> current() {
        VaadinSession session = VaadinSession.getCurrent();
        if (session == null) {
            return Optional.empty();
        }
        if (session.getAttribute(USER) == null) {
            return resumedFromCookie(session);
        }
        Instant checked = (Instant) session.getAttribute(CHECKED);
        if (checked != null && checked.isBefore(Instant.now().minus(AdminSessionLimits.CHECK_INTERVAL))) {
            Optional<ResumeAdminSession.Resumed> still = resumes.resume((String) session.getAttribute(SECRET));
            if (still.isEmpty()) { // signed out elsewhere, idle, too old, or the credentials changed
                session.setAttribute(USER, null);
                return Optional.empty();
            }
            session.setAttribute(CHECKED, Instant.now());
            return Optional.of(still.get().caller());
        }
        try {
            return Optional.of(authenticate.resume((String) session.getAttribute(USER)));
        } catch (UnauthorizedException e) {
            session.setAttribute(USER, null);
            return Optional.empty();
        }
    }

    /** A session this node does not know yet, from a browser holding a sign-in made on any node. */
    private Optional<Caller> resumedFromCookie(VaadinSession session) {
        Optional<String> secret = cookieSecret();
        Optional<ResumeAdminSession.Resumed> resumed = secret.flatMap(resumes::resume);
        if (resumed.isEmpty()) {
            return Optional.empty();
        }
        Caller caller = resumed.get().caller();
        session.setAttribute(USER, caller.name());
        session.setAttribute(ADDRESS, resumed.get().address());
        session.setAttribute(SECRET, secret.get());
        session.setAttribute(CHECKED, Instant.now());
        session.getSession().setMaxInactiveInterval((int) IDLE_TIMEOUT.toSeconds());
        return Optional.of(caller);
    }

    /** @throws UnauthorizedException when nobody is signed in (any more) */
    public Caller caller() {
        return current().orElseThrow(() -> new UnauthorizedException("your session has ended; sign in again"));
    }

    /** The client's address as seen at sign-in, for the audit log. */
    public String address() {
        VaadinSession session = VaadinSession.getCurrent();
        Object address = session == null ? null : session.getAttribute(ADDRESS);
        return address == null ? requestAddress() : (String) address;
    }

    /** The registry's host[:port] for the commands shown to this session (see {@link Hosts}). */
    public String registryHost() {
        return Hosts.registry(instance.publicUrl());
    }

    public void signOut() {
        VaadinSession session = VaadinSession.getCurrent();
        if (session != null) {
            current().ifPresent(caller -> signOuts.record(caller, address()));
            ends.end((String) session.getAttribute(SECRET));
            session.setAttribute(USER, null);
            session.setAttribute(SECRET, null);
            setCookie("", 0);
            session.getSession().invalidate();
        }
    }

    private static Optional<String> cookieSecret() {
        VaadinRequest request = VaadinRequest.getCurrent();
        Cookie[] cookies = request == null ? null : request.getCookies();
        return cookies == null ? Optional.empty() : Arrays.stream(cookies)
                .filter(c -> COOKIE.equals(c.getName()) && !c.getValue().isEmpty()).map(Cookie::getValue).findFirst();
    }

    /** @param maxAge -1: until the browser closes; 0: remove it */
    private static void setCookie(String value, int maxAge) {
        VaadinResponse response = VaadinResponse.getCurrent();
        VaadinRequest request = VaadinRequest.getCurrent();
        if (response == null || request == null) {
            return;
        }
        Cookie cookie = new Cookie(COOKIE, value);
        cookie.setPath(request.getContextPath() + "/admin");
        cookie.setHttpOnly(true);
        cookie.setMaxAge(maxAge);
        // Secure as the session cookie is: over HTTPS, also behind a TLS-terminating proxy (http.host https://…)
        cookie.setSecure(request.isSecure() || request instanceof VaadinServletRequest servlet
                && servlet.getServletContext().getSessionCookieConfig().isSecure());
        cookie.setAttribute("SameSite", "Lax");
        response.addCookie(cookie);
    }

    private static String requestAddress() {
        VaadinRequest request = VaadinRequest.getCurrent();
        return request == null ? "local" : request.getRemoteAddr();
    }
}
