package dev.berth.adapters.storage.swift;

import dev.berth.domain.json.JsonArray;
import dev.berth.domain.json.JsonBoolean;
import dev.berth.domain.json.JsonNull;
import dev.berth.domain.json.JsonNumber;
import dev.berth.domain.json.JsonObject;
import dev.berth.domain.json.JsonString;
import dev.berth.domain.json.JsonStrings;
import dev.berth.domain.json.JsonSyntaxException;
import dev.berth.domain.json.JsonValue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Swift listings, {@code /info}, SLO results and Keystone tokens read with Berth's one JSON parser
 * (domain.json) and handed to the driver as plain {@link Map}s and {@link List}s, numbers as
 * {@link Long} when whole and {@link Double} otherwise.
 */
final class Json {

    private Json() {
    }

    static Object parse(String text) throws IOException {
        try {
            return plain(dev.berth.domain.json.Json.parse(text.getBytes(StandardCharsets.UTF_8)));
        } catch (JsonSyntaxException e) {
            throw new IOException("unexpected JSON from Swift or Keystone: " + e.getMessage(), e);
        }
    }

    private static Object plain(JsonValue value) {
        return switch (value) {
            case JsonObject object -> {
                Map<String, Object> map = new LinkedHashMap<>();
                object.members().forEach((key, member) -> map.put(key, plain(member)));
                yield map;
            }
            case JsonArray array -> {
                List<Object> list = new ArrayList<>();
                array.elements().forEach(element -> list.add(plain(element)));
                yield list;
            }
            case JsonString string -> string.value();
            case JsonNumber number -> number.asExactLong().isPresent() ? (Object) number.asExactLong().getAsLong()
                    : (Object) number.value().doubleValue();
            case JsonBoolean bool -> bool.value();
            case JsonNull ignored -> null;
        };
    }

    /** {@code value} as a JSON string literal. */
    static String quote(String value) {
        return JsonStrings.quote(value);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(Object value, String what) throws IOException {
        if (value instanceof Map<?, ?> map) {
            return (Map<String, Object>) map;
        }
        throw new IOException("unexpected JSON from Swift or Keystone: " + what + " is not an object");
    }

    static List<?> array(Object value, String what) throws IOException {
        if (value instanceof List<?> list) {
            return list;
        }
        throw new IOException("unexpected JSON from Swift or Keystone: " + what + " is not an array");
    }
}
