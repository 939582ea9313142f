package dev.berth.application.access;

import java.time.Duration;

/**
 * How long audit events are kept, from configuration ({@code audit.retention}, {@code audit.maxrows}).
 *
 * @param maxAge  events older than this are deleted; zero keeps them whatever their age
 * @param maxRows only the newest this many events are kept; zero keeps them however many
 */
public record AuditRetention(Duration maxAge, long maxRows) {

    public AuditRetention {
        if (maxAge.isNegative() || maxRows < 0) {
            throw new IllegalArgumentException("audit retention cannot be negative");
        }
    }
}
