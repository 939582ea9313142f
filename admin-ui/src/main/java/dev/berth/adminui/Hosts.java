package dev.berth.adminui;

import com.vaadin.flow.server.VaadinRequest;

import java.net.URI;
import java.util.Optional;

/** The registry's address for the commands the pages show (docker pull, docker login). */
final class Hosts {

    private Hosts() {
    }

    /**
     * The host (and port) of {@code http.host} when the operator configured one: behind a proxy or a
     * load balancer that is what clients use, whatever address the browser took. Otherwise the
     * address the browser reached Berth at, which a docker client on that network uses too.
     */
    static String registry(Optional<String> publicUrl) {
        Optional<String> configured = publicUrl.map(URI::create).map(URI::getRawAuthority);
        if (configured.isPresent()) {
            return configured.get();
        }
        VaadinRequest request = VaadinRequest.getCurrent();
        String host = request == null ? null : request.getHeader("Host");
        return host == null || host.isBlank() ? "REGISTRY" : host;
    }
}
