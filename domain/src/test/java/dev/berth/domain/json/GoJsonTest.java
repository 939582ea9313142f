package dev.berth.domain.json;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class GoJsonTest {

    @Test
    void stringsEscapeAsGoEncodingJsonDoes() {
        assertThat(GoJson.quote("a<b>&\"\\\n\t\r\u0001\u2028\u2029é"))
                .isEqualTo("\"a\\u003cb\\u003e\\u0026\\\"\\\\\\n\\t\\r\\u0001\\u2028\\u2029é\"");
    }

    @Test
    void indentLaysOutLikeMarshalIndentAndSortedCompactSortsKeys() {
        JsonValue value = Json.parse("{\"b\":[1,{\"y\":true,\"x\":null}],\"a\":[],\"c\":{}}".getBytes(StandardCharsets.UTF_8));

        assertThat(GoJson.indent(value, "", "  "))
                .isEqualTo("{\n  \"b\": [\n    1,\n    {\n      \"y\": true,\n      \"x\": null\n    }\n  ],\n  \"a\": [],\n  \"c\": {}\n}");
        assertThat(GoJson.sortedCompact(value)).isEqualTo("{\"a\":[],\"b\":[1,{\"x\":null,\"y\":true}],\"c\":{}}");
        assertThat(GoJson.compact(value)).isEqualTo("{\"b\":[1,{\"y\":true,\"x\":null}],\"a\":[],\"c\":{}}");
    }
}
