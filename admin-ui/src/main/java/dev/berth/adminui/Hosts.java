package dev.berth.adminui;

import com.vaadin.flow.server.VaadinRequest;

/** The registry's address as the browser reached it: what a docker client on that network uses too. */
final class Hosts {

    private Hosts() {
    }

    static String registry() {
        VaadinRequest request = VaadinRequest.getCurrent();
        String host = request == null ? null : request.getHeader("Host");
        return host == null || host.isBlank() ? "REGISTRY" : host;
    }
}
