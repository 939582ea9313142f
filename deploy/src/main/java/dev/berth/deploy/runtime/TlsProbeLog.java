package dev.berth.deploy.runtime;

import java.util.logging.Filter;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Docker and skopeo try HTTPS first on a registry's plain-HTTP port. Grizzly reads the TLS
 * ClientHello as a request line, answers 400, and logs a WARNING whose stack trace carries the
 * hello's binary bytes, once per connection: grep then takes the whole log for a binary file. On
 * Grizzly's filter chain logger, this drops those records and logs one FINE line without the bytes.
 */
final class TlsProbeLog implements Filter {

    static final String GRIZZLY_LOGGER = "org.glassfish.grizzly.filterchain.DefaultFilterChain";
    static final String PROBE = "TLS probe on the plain-HTTP port (a client trying HTTPS first, as docker and"
            + " skopeo do): answered 400, connection closed";
    static final String NOT_HTTP = "A request line with an unknown protocol on the plain-HTTP port: answered 400,"
            + " connection closed";
    private static final Logger LOG = Logger.getLogger(TlsProbeLog.class.getName());

    /** Held: a logger nobody references may be collected, and its filter with it. */
    private final Logger grizzly;
    private final Filter before;

    private TlsProbeLog(Logger grizzly) {
        this.grizzly = grizzly;
        this.before = grizzly.getFilter();
    }

    /** Puts the filter on Grizzly's logger, in front of whatever filter it had. */
    static TlsProbeLog install() {
        TlsProbeLog filter = new TlsProbeLog(Logger.getLogger(GRIZZLY_LOGGER));
        filter.grizzly.setFilter(filter);
        return filter;
    }

    /** The logger's filter as it was: the application's classes must not outlive its undeployment there. */
    void uninstall() {
        if (grizzly.getFilter() == this) {
            grizzly.setFilter(before);
        }
    }

    @Override
    public boolean isLoggable(LogRecord record) {
        String protocol = unknownProtocol(record);
        if (protocol == null) {
            return before == null || before.isLoggable(record);
        }
        LOG.fine(protocol.chars().allMatch(c -> c >= 0x20 && c < 0x7f) ? NOT_HTTP : PROBE);
        return false;
    }

    /** Grizzly's "Unknown protocol ..." failure of a request line, or null for any other record. */
    private static String unknownProtocol(LogRecord record) {
        String message = record.getThrown() instanceof IllegalStateException e ? e.getMessage() : null;
        return message != null && message.startsWith("Unknown protocol") ? message.substring("Unknown protocol".length())
                : null;
    }
}
