package dev.berth.domain.json;

public record JsonNull() implements JsonValue {
}
