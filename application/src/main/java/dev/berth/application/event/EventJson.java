package dev.berth.application.event;

import dev.berth.domain.json.Json;
import dev.berth.domain.json.JsonArray;
import dev.berth.domain.json.JsonBoolean;
import dev.berth.domain.json.JsonNull;
import dev.berth.domain.json.JsonNumber;
import dev.berth.domain.json.JsonObject;
import dev.berth.domain.json.JsonString;
import dev.berth.domain.json.JsonStrings;
import dev.berth.domain.json.JsonValue;
import dev.berth.domain.manifest.Descriptor;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Events as Distribution writes them. An event is stored in the outbox in the full (v2) form; the
 * envelope for a registry:2 (v1) endpoint drops what registry:2 never sent. Absent fields are
 * left out rather than sent empty.
 */
public final class EventJson {

    private EventJson() {
    }

    public static String event(RegistryEvent event) {
        StringBuilder out = new StringBuilder(512).append('{');
        field(out, "id", event.id(), true);
        field(out, "timestamp", event.timestamp().toString(), false);
        field(out, "action", event.action().wireName(), false);
        out.append(",\"target\":{");
        EventTarget t = event.target();
        boolean first = true;
        first = optional(out, "mediaType", t.mediaType(), first);
        if (t.size() >= 0) {
            out.append(first ? "" : ",").append("\"size\":").append(t.size());
            first = false;
        }
        first = optional(out, "digest", t.digest(), first);
        if (t.size() >= 0) {
            out.append(",\"length\":").append(t.size());
        }
        first = optional(out, "repository", t.repository(), first);
        first = optional(out, "fromRepository", t.fromRepository(), first);
        first = optional(out, "url", t.url(), first);
        first = optional(out, "tag", t.tag(), first);
        if (!t.references().isEmpty()) {
            out.append(first ? "" : ",").append("\"references\":[");
            for (int i = 0; i < t.references().size(); i++) {
                Descriptor d = t.references().get(i);
                out.append(i == 0 ? "{" : ",{");
                field(out, "mediaType", d.mediaType().toString(), true);
                out.append(",\"digest\":");
                string(out, d.digest().toString());
                out.append(",\"size\":").append(d.size()).append('}');
            }
            out.append(']');
        }
        out.append('}');
        RequestContext r = event.request();
        out.append(",\"request\":{");
        field(out, "id", r.id(), true);
        optional(out, "addr", r.addr(), false);
        optional(out, "host", r.host(), false);
        field(out, "method", r.method(), false);
        field(out, "useragent", r.userAgent(), false);
        out.append("},\"actor\":{");
        optional(out, "name", r.actor(), true);
        out.append("},\"source\":{");
        boolean noSource = optional(out, "addr", event.source().addr(), true);
        optional(out, "instanceID", event.source().instanceId(), noSource);
        return out.append("}}").toString();
    }

    /** The body of one delivery: {@code {"events":[...]}} with the stored events in order. */
    public static byte[] envelope(List<String> storedEvents, EnvelopeFormat format) {
        StringBuilder out = new StringBuilder(storedEvents.size() * 700 + 16).append("{\"events\":[");
        for (int i = 0; i < storedEvents.size(); i++) {
            out.append(i == 0 ? "" : ",");
            out.append(format == EnvelopeFormat.V2 ? storedEvents.get(i) : registry2(storedEvents.get(i)));
        }
        return out.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String registry2(String stored) {
        JsonObject event = (JsonObject) Json.parse(stored.getBytes(StandardCharsets.UTF_8));
        Map<String, JsonValue> members = new LinkedHashMap<>(event.members());
        if (members.get("target") instanceof JsonObject target && target.get("references") != null) {
            Map<String, JsonValue> t = new LinkedHashMap<>(target.members());
            t.remove("references");
            members.put("target", new JsonObject(t));
        }
        StringBuilder out = new StringBuilder(stored.length());
        write(out, new JsonObject(members));
        return out.toString();
    }

    private static void write(StringBuilder out, JsonValue value) {
        switch (value) {
            case JsonObject o -> {
                out.append('{');
                boolean first = true;
                for (Map.Entry<String, JsonValue> e : o.members().entrySet()) {
                    out.append(first ? "" : ",");
                    string(out, e.getKey());
                    out.append(':');
                    write(out, e.getValue());
                    first = false;
                }
                out.append('}');
            }
            case JsonArray a -> {
                out.append('[');
                for (int i = 0; i < a.elements().size(); i++) {
                    out.append(i == 0 ? "" : ",");
                    write(out, a.elements().get(i));
                }
                out.append(']');
            }
            case JsonString s -> string(out, s.value());
            case JsonNumber n -> out.append(n.value().toPlainString());
            case JsonBoolean b -> out.append(b.value());
            case JsonNull n -> out.append("null");
        }
    }

    private static void field(StringBuilder out, String name, String value, boolean first) {
        out.append(first ? "\"" : ",\"").append(name).append("\":");
        string(out, value == null ? "" : value);
    }

    /** Writes the field unless the value is null or empty; answers whether nothing was written yet. */
    private static boolean optional(StringBuilder out, String name, String value, boolean first) {
        if (value == null || value.isEmpty()) {
            return first;
        }
        field(out, name, value, first);
        return false;
    }

    static void string(StringBuilder out, String value) {
        out.append(JsonStrings.quote(value));
    }
}
