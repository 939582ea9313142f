package dev.berth.deploy.runtime;

import dev.berth.application.event.CurrentRequest;
import dev.berth.domain.json.JsonStrings;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.Map;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * {@code log.formatter: json}: one JSON object per line with time, level, logger, message, the
 * request id of the request being served (if any), the fields of access log lines, and the stack
 * trace of an exception.
 */
final class JsonLogFormatter extends Formatter {

    @Override
    public String format(LogRecord record) {
        StringBuilder out = new StringBuilder(256).append('{');
        field(out, "time", Instant.ofEpochMilli(record.getMillis()).toString(), true);
        field(out, "level", record.getLevel().getName(), false);
        field(out, "logger", record.getLoggerName(), false);
        field(out, "message", formatMessage(record), false);
        String requestId = CurrentRequest.get().id();
        if (record.getParameters() != null && record.getParameters().length == 1
                && record.getParameters()[0] instanceof Map<?, ?> fields) {
            fields.forEach((k, v) -> {
                out.append(",\"").append(k).append("\":");
                if (v instanceof Number n) {
                    out.append(n);
                } else {
                    string(out, String.valueOf(v));
                }
            });
        } else if (!requestId.isEmpty()) {
            field(out, "requestId", requestId, false);
        }
        if (record.getThrown() != null) {
            StringWriter trace = new StringWriter();
            record.getThrown().printStackTrace(new PrintWriter(trace));
            field(out, "exception", trace.toString(), false);
        }
        return out.append("}\n").toString();
    }

    @Override
    public String formatMessage(LogRecord record) {
        // access log records carry their fields as the only parameter: the message is already final
        return record.getParameters() != null && record.getParameters().length == 1
                && record.getParameters()[0] instanceof Map<?, ?> ? record.getMessage() : super.formatMessage(record);
    }

    private static void field(StringBuilder out, String name, String value, boolean first) {
        out.append(first ? "\"" : ",\"").append(name).append("\":");
        string(out, value == null ? "" : value);
    }

    private static void string(StringBuilder out, String value) {
        out.append(JsonStrings.quote(value));
    }
}
