package dev.berth.domain.json;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonPrettyPrinterTest {

    private static String print(String json) {
        return JsonPrettyPrinter.print(json.getBytes(StandardCharsets.UTF_8), Integer.MAX_VALUE - 8);
    }

    @Test
    void aDeeplyNestedDocumentIsCutAtTheBoundWithANote() {
        // 63 levels deep, then 100,000 numbers: each "1," becomes a line indented 126 spaces, about 64 times larger
        String nested = "[".repeat(63) + "1,".repeat(100_000) + "1" + "]".repeat(63);
        byte[] input = nested.getBytes(StandardCharsets.UTF_8);

        String printed = JsonPrettyPrinter.print(input, 64 * 1024);

        assertThat(print(nested).length()).as("unbounded, it would be").isGreaterThan(60 * input.length);
        assertThat(printed.getBytes(StandardCharsets.UTF_8).length).isLessThan(64 * 1024 + 200);
        assertThat(printed).startsWith("[\n  [\n    [")
                .endsWith("\n" + JsonPrettyPrinter.truncationNote(64 * 1024, input.length));
    }

    @Test
    void aCutNeverSplitsACharacter() {
        String json = "[\"" + "é".repeat(100) + "\"]";

        for (int bound = 4; bound < 30; bound++) {
            String printed = JsonPrettyPrinter.print(json.getBytes(StandardCharsets.UTF_8), bound);
            String kept = printed.substring(0, printed.lastIndexOf("\n… truncated"));
            assertThat(kept).doesNotContain("\uFFFD");
            assertThat(kept.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(bound);
        }
        assertThat(JsonPrettyPrinter.print(json.getBytes(StandardCharsets.UTF_8), 1000)).doesNotContain("truncated");
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
