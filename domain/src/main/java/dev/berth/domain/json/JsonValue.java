package dev.berth.domain.json;

/** A parsed, immutable JSON value. */
public sealed interface JsonValue permits JsonObject, JsonArray, JsonString, JsonNumber, JsonBoolean, JsonNull {
}
