package dev.berth.application.browse;

import dev.berth.domain.json.Json;
import dev.berth.domain.json.JsonArray;
import dev.berth.domain.json.JsonBoolean;
import dev.berth.domain.json.JsonObject;
import dev.berth.domain.json.JsonString;
import dev.berth.domain.json.JsonSyntaxException;
import dev.berth.domain.json.JsonValue;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads an OCI image config (Docker's is the same shape). Configs are written by many tools, so a
 * field of an unexpected type counts as absent rather than spoiling the rest; only a document that
 * is no JSON object gives nothing.
 */
final class ImageConfigReader {

    private ImageConfigReader() {
    }

    static Optional<ImageConfig> read(byte[] json) {
        JsonValue root;
        try {
            root = Json.parse(json);
        } catch (JsonSyntaxException e) {
            return Optional.empty();
        }
        if (!(root instanceof JsonObject config)) {
            return Optional.empty();
        }
        JsonObject run = object(config.get("config"));
        return Optional.of(new ImageConfig(string(config.get("os")), string(config.get("architecture")),
                string(config.get("variant")), instant(config.get("created")), strings(run.get("Entrypoint")),
                strings(run.get("Cmd")), strings(run.get("Env")), labels(run.get("Labels")),
                List.copyOf(object(run.get("ExposedPorts")).members().keySet()), string(run.get("WorkingDir")),
                string(run.get("User")), history(config.get("history"))));
    }

    private static List<HistoryEntry> history(JsonValue value) {
        return elements(value).stream()
                .filter(JsonObject.class::isInstance)
                .map(JsonObject.class::cast)
                .map(step -> new HistoryEntry(instant(step.get("created")), string(step.get("created_by")),
                        string(step.get("comment")),
                        step.get("empty_layer") instanceof JsonBoolean empty && empty.value()))
                .toList();
    }

    private static Map<String, String> labels(JsonValue value) {
        Map<String, String> labels = new LinkedHashMap<>();
        object(value).members().forEach((name, label) -> {
            if (label instanceof JsonString text) {
                labels.put(name, text.value());
            }
        });
        return labels;
    }

    private static JsonObject object(JsonValue value) {
        return value instanceof JsonObject object ? object : new JsonObject(Map.of());
    }

    private static List<JsonValue> elements(JsonValue value) {
        return value instanceof JsonArray array ? array.elements() : List.of();
    }

    private static List<String> strings(JsonValue value) {
        return elements(value).stream()
                .filter(JsonString.class::isInstance)
                .map(v -> ((JsonString) v).value())
                .toList();
    }

    private static String string(JsonValue value) {
        return value instanceof JsonString text ? text.value() : "";
    }

    /** RFC 3339, as Go writes times, with any offset. */
    private static Optional<Instant> instant(JsonValue value) {
        if (!(value instanceof JsonString text)) {
            return Optional.empty();
        }
        try {
            return Optional.of(OffsetDateTime.parse(text.value(), DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
