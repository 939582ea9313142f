package dev.berth.domain.json;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** A JSON object; its members keep the order they were written in. */
public record JsonObject(Map<String, JsonValue> members) implements JsonValue {

    public JsonObject {
        Objects.requireNonNull(members, "members");
        members.forEach((key, value) -> {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
        });
        members = Collections.unmodifiableMap(new LinkedHashMap<>(members));
    }

    /** The member's value, or {@code null} when the object has no such member. */
    public JsonValue get(String key) {
        return members.get(key);
    }
}
