package dev.berth.application.access;

import dev.berth.application.port.AuditLog;
import dev.berth.domain.access.Caller;
import dev.berth.domain.json.JsonStrings;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Use case: the audit events a search finds, all of them, as CSV or JSON for an administrator to
 * keep or analyse elsewhere; written a page at a time, so memory stays flat however many there are, and
 * only what was recorded before the export began.
 */
@Dependent
public class ExportAuditEvents {

    public enum Format { CSV, JSON }

    private static final List<String> COLUMNS = List.of("time", "actor", "address", "action", "target", "success",
            "detail", "occurrences");

    private final AuditLog audit;
    private final Clock clock;

    @Inject
    public ExportAuditEvents(AuditLog audit, Clock clock) {
        this.audit = audit;
        this.clock = clock;
    }

    /** @return how many events were written */
    public long export(Caller actor, AuditLog.Filter filter, Format format, OutputStream target) throws IOException {
        Administration.requireAdmin(actor);
        // pages are fetched by offset, newest first: events recorded meanwhile would shift them and repeat rows
        Instant cutoff = clock.instant().plusMillis(1);
        AuditLog.Filter fixed = new AuditLog.Filter(filter.actor(), filter.action(), filter.from(),
                Optional.of(filter.until().filter(until -> until.isBefore(cutoff)).orElse(cutoff)), filter.success());
        Writer out = new BufferedWriter(new OutputStreamWriter(target, StandardCharsets.UTF_8));
        out.write(format == Format.CSV ? String.join(",", COLUMNS) + "\r\n" : "[");
        long written = 0;
        List<AuditLog.Event> page;
        do {
            page = audit.search(fixed, (int) Math.min(written, Integer.MAX_VALUE), AuditLog.MAX_PAGE);
            for (AuditLog.Event event : page) {
                List<String> fields = List.of(event.at().toString(), event.actor(), event.address(), event.action(),
                        event.target(), String.valueOf(event.success()), event.detail(),
                        String.valueOf(event.occurrences()));
                if (format == Format.CSV) {
                    out.write(String.join(",", fields.stream().map(ExportAuditEvents::csvField).toList()) + "\r\n");
                } else {
                    out.write((written == 0 ? "\n" : ",\n") + json(fields));
                }
                written++;
            }
        } while (page.size() == AuditLog.MAX_PAGE);
        if (format == Format.JSON) {
            out.write(written == 0 ? "]\n" : "\n]\n");
        }
        out.flush();
        return written;
    }

    /**
     * RFC 4180 quoting; a field a spreadsheet would take for a formula (=, +, -, @ first) gets a leading
     * apostrophe, as OWASP advises: actors, tags and details come from users.
     */
    static String csvField(String value) {
        String safe = !value.isEmpty() && "=+-@\t\r".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
        return safe.chars().anyMatch(c -> c == ',' || c == '"' || c == '\n' || c == '\r' || c == '\'')
                ? '"' + safe.replace("\"", "\"\"") + '"' : safe;
    }

    private static String json(List<String> fields) {
        StringBuilder object = new StringBuilder("{");
        for (int i = 0; i < COLUMNS.size(); i++) {
            String value = fields.get(i);
            boolean literal = COLUMNS.get(i).equals("success") || COLUMNS.get(i).equals("occurrences");
            object.append(i == 0 ? "" : ",").append(JsonStrings.quote(COLUMNS.get(i))).append(':')
                    .append(literal ? value : JsonStrings.quote(value));
        }
        return object.append('}').toString();
    }
}
