package dev.berth.domain.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.berth.domain.json.Json;
import dev.berth.domain.json.JsonSyntaxException;

/** Any bytes: a JSON value or {@link JsonSyntaxException}, nothing else (no stack overflow, no other exception). */
class JsonFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void parsesOrRefusesWithASyntaxError(byte[] input) {
        try {
            Json.parse(input);
        } catch (JsonSyntaxException expected) {
            // refused with the offset: what the registry answers as MANIFEST_INVALID
        }
    }
}
