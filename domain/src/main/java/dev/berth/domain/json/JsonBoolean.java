package dev.berth.domain.json;

public record JsonBoolean(boolean value) implements JsonValue {
}
