package dev.berth.adapters.http;

import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.spi.JsonProvider;

/**
 * JSON builders from one provider looked up once. {@code jakarta.json.Json}'s static methods look the
 * provider up again on every call, through the service loader and the class path's jar files: in a
 * profile of {@code tags/list} under load (issue 16) that lookup was 37 % of the server's samples.
 */
final class JsonBuilders {

    private static final JsonProvider PROVIDER = JsonProvider.provider();

    private JsonBuilders() {
    }

    static JsonObjectBuilder object() {
        return PROVIDER.createObjectBuilder();
    }

    static JsonArrayBuilder array() {
        return PROVIDER.createArrayBuilder();
    }
}
