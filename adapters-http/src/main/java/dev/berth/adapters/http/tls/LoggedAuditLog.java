package dev.berth.adapters.http.tls;

import dev.berth.application.port.AuditLog;

import java.time.Instant;
import java.util.List;
import java.util.logging.Logger;

/**
 * The audit log of work done before the database is there (the launcher's TLS start-up): each
 * event is a log line. It keeps nothing, so searches find nothing.
 */
public final class LoggedAuditLog implements AuditLog {

    private static final Logger LOG = Logger.getLogger(LoggedAuditLog.class.getName());

    @Override
    public void record(Event event) {
        LOG.info(() -> "audit: " + event.actor() + " from " + event.address() + ": " + event.action() + " "
                + event.target() + (event.success() ? " done" : " FAILED") + (event.detail().isEmpty() ? ""
                : " (" + event.detail() + ")"));
    }

    @Override
    public void recordRepeated(Event event, String key, Instant since) {
        record(event);
    }

    @Override
    public long deleteBefore(Instant before) {
        return 0;
    }

    @Override
    public long deleteAllButNewest(long keep) {
        return 0;
    }

    @Override
    public List<Event> recent(int limit) {
        return List.of();
    }

    @Override
    public List<Event> search(Filter filter, int offset, int limit) {
        return List.of();
    }

    @Override
    public long count(Filter filter) {
        return 0;
    }
}
