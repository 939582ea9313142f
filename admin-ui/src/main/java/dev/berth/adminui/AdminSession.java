package dev.berth.adminui;

import com.vaadin.flow.server.VaadinRequest;
import com.vaadin.flow.server.VaadinService;
import com.vaadin.flow.server.VaadinSession;
import dev.berth.application.access.AuthenticateCaller;
import dev.berth.application.access.RecordSignOut;
import dev.berth.application.system.InstanceInfo;
import dev.berth.domain.access.Caller;
import dev.berth.domain.error.UnauthorizedException;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.Optional;

/**
 * Who is signed in to this browser session. Only the user's name is kept in the session: the
 * caller is looked up again for every use, so changed grants apply at once and a disabled user is
 * signed out at their next click.
 */
@Dependent
public class AdminSession {

    /** Idle sessions end after this (Vaadin's heartbeats do not count: closeIdleSessions). */
    static final Duration IDLE_TIMEOUT = Duration.ofMinutes(30);
    private static final String USER = "berth.user";
    private static final String ADDRESS = "berth.address";

    private final AuthenticateCaller authenticate;
    private final RecordSignOut signOuts;
    private final InstanceInfo instance;

    @Inject
    public AdminSession(AuthenticateCaller authenticate, RecordSignOut signOuts, InstanceInfo instance) {
        this.authenticate = authenticate;
        this.signOuts = signOuts;
        this.instance = instance;
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
        VaadinSession session = VaadinSession.getCurrent();
        session.setAttribute(USER, caller.name());
        session.setAttribute(ADDRESS, address);
        session.getSession().setMaxInactiveInterval((int) IDLE_TIMEOUT.toSeconds());
        return caller;
    }

    /** The signed-in caller as of now; empty when nobody is signed in or the user was disabled. */
    public Optional<Caller> current() {
        VaadinSession session = VaadinSession.getCurrent();
        Object name = session == null ? null : session.getAttribute(USER);
        if (name == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(authenticate.resume((String) name));
        } catch (UnauthorizedException e) {
            session.setAttribute(USER, null);
            return Optional.empty();
        }
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
            session.setAttribute(USER, null);
            session.getSession().invalidate();
        }
    }

    private static String requestAddress() {
        VaadinRequest request = VaadinRequest.getCurrent();
        return request == null ? "local" : request.getRemoteAddr();
    }
}
