package dev.berth.domain.json;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonPrettyPrinterTest {

    private static String print(String json) {
        return JsonPrettyPrinter.print(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void indentsTwoSpacesALevelAndKeepsTheMemberOrder() {
        assertThat(print("{\"z\":1,\"a\":{\"m\":true,\"b\":null},\"k\":[1,-2.50e+3,\"x\"]}")).isEqualTo("""
                {
                  "z": 1,
                  "a": {
                    "m": true,
                    "b": null
                  },
                  "k": [
                    1,
                    -2.50e+3,
                    "x"
                  ]
                }""");
    }

    @Test
    void nestedArraysAndEmptyContainers() {
        assertThat(print(" [ [ [] , [1,[2 ,{}]] ] , { } ]\n")).isEqualTo("""
                [
                  [
                    [],
                    [
                      1,
                      [
                        2,
                        {}
                      ]
                    ]
                  ],
                  {}
                ]""");
    }

    @Test
    void stringsAreCopiedExactlyWithTheirEscapesAndStructuralCharacters() {
        String json = "{\"a\\\"b\":\"x\\\\\",\"c\":\"{[,:]} \\n\\t \\u00e9\\/ \\\"q\\\"\",\"e\":\"\\\\\"}";

        assertThat(print(json)).isEqualTo("""
                {
                  "a\\"b": "x\\\\",
                  "c": "{[,:]} \\n\\t \\u00e9\\/ \\"q\\"",
                  "e": "\\\\"
                }""");
    }

    @Test
    void unicodeStaysAsWritten() {
        assertThat(print("{\"note\":\"Grüße ✓ 🐳\",\"esc\":\"\\ud83d\\udc33\"}")).isEqualTo("""
                {
                  "note": "Grüße ✓ 🐳",
                  "esc": "\\ud83d\\udc33"
                }""");
    }

    @Test
    void reparsesToTheSameValue() {
        String json = "{\"schemaVersion\":2,\"layers\":[{\"size\":12,\"annotations\":{\"k\":\"v\"}}],\"x\":[]}";

        assertThat(Json.parse(print(json).getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(Json.parse(json.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void scalarsPrintAsThemselves() {
        assertThat(print(" \"text\" ")).isEqualTo("\"text\"");
        assertThat(print("42")).isEqualTo("42");
    }

    @Test
    void invalidJsonIsRefused() {
        assertThatThrownBy(() -> print("{\"a\":1,}")).isInstanceOf(JsonSyntaxException.class);
        assertThatThrownBy(() -> print("{\"a\":\"unterminated}")).isInstanceOf(JsonSyntaxException.class);
    }
}
