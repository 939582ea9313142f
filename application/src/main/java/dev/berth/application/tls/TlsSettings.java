package dev.berth.application.tls;

import java.util.List;
import java.util.Optional;

/**
 * How HTTPS is configured (supplied by the composition root).
 *
 * @param enabled         whether Berth serves HTTPS itself
 * @param managed         Berth makes and renews its certificate ({@code http.tls.managed})
 * @param certificateFile the operator's PEM chain ({@code http.tls.certificate}), served again at every start
 * @param hostnames       the names a managed certificate covers besides the loopback ones
 */
public record TlsSettings(boolean enabled, boolean managed, Optional<String> certificateFile, List<String> hostnames) {

    public static final TlsSettings OFF = new TlsSettings(false, false, Optional.empty(), List.of());

    public TlsSettings {
        hostnames = List.copyOf(hostnames);
    }
}
