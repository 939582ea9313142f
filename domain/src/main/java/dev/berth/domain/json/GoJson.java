package dev.berth.domain.json;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes JSON the way Go's {@code encoding/json} does, for documents whose bytes must match what
 * Distribution would write (a schema 1 manifest's digest is over its bytes): strings escape the
 * HTML characters {@code < > &}, the line and paragraph separators and control characters as Go
 * does; {@link #sortedCompact} orders object members by key as Go does for a map; {@link #indent}
 * lays out like {@code json.MarshalIndent}.
 */
public final class GoJson {

    private GoJson() {
    }

    /** A JSON string literal as Go writes it: HTML characters and U+2028, U+2029 escaped too. */
    public static String quote(String value) {
        return JsonStrings.quote(value, c -> c == '<' || c == '>' || c == '&' || c == 0x2028 || c == 0x2029);
    }

    /** The value without whitespace, object members in their own order (Go's compacted raw JSON). */
    public static String compact(JsonValue value) {
        StringBuilder out = new StringBuilder();
        write(value, out, null, "", 0, false);
        return out.toString();
    }

    /** The value without whitespace, object members sorted by key (Go marshalling a map). */
    public static String sortedCompact(JsonValue value) {
        StringBuilder out = new StringBuilder();
        write(value, out, null, "", 0, true);
        return out.toString();
    }

    /** {@code json.MarshalIndent(value, prefix, indent)}, object members in their own order. */
    public static String indent(JsonValue value, String prefix, String indent) {
        StringBuilder out = new StringBuilder();
        write(value, out, prefix, indent, 0, false);
        return out.toString();
    }

    private static void write(JsonValue value, StringBuilder out, String prefix, String indent, int depth,
                              boolean sorted) {
        switch (value) {
            case JsonObject object -> {
                Map<String, JsonValue> members = sorted ? new TreeMap<>(object.members()) : object.members();
                writeContainer(out, '{', '}', members.entrySet().stream().toList(), prefix, indent, depth,
                        (entry, o) -> {
                            o.append(quote(entry.getKey())).append(prefix == null ? ":" : ": ");
                            write(entry.getValue(), o, prefix, indent, depth + 1, sorted);
                        });
            }
            case JsonArray array -> writeContainer(out, '[', ']', array.elements(), prefix, indent, depth,
                    (element, o) -> write(element, o, prefix, indent, depth + 1, sorted));
            case JsonString string -> out.append(quote(string.value()));
            case JsonNumber number -> out.append(number.value().toString());
            case JsonBoolean bool -> out.append(bool.value());
            case JsonNull ignored -> out.append("null");
        }
    }

    private interface ElementWriter<T> {
        void write(T element, StringBuilder out);
    }

    private static <T> void writeContainer(StringBuilder out, char open, char close, List<T> elements, String prefix,
                                           String indent, int depth, ElementWriter<T> writer) {
        out.append(open);
        if (elements.isEmpty()) {
            out.append(close);
            return;
        }
        for (int i = 0; i < elements.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            newline(out, prefix, indent, depth + 1);
            writer.write(elements.get(i), out);
        }
        newline(out, prefix, indent, depth);
        out.append(close);
    }

    private static void newline(StringBuilder out, String prefix, String indent, int depth) {
        if (prefix != null) {
            out.append('\n').append(prefix).append(indent.repeat(depth));
        }
    }
}
