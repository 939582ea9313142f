package dev.berth.domain.json;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonTest {

    private static JsonValue parse(String json) {
        return Json.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    private static JsonSyntaxException rejection(byte[] json) {
        try {
            Json.parse(json);
        } catch (JsonSyntaxException e) {
            return e;
        }
        throw new AssertionError("accepted " + new String(json, StandardCharsets.UTF_8));
    }

    private static JsonSyntaxException rejection(String json) {
        return rejection(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void parsesEveryKindOfValue() {
        JsonValue value = parse("""
                {"s": "text", "n": -12.5e1, "t": true, "f": false, "z": null, "a": [1, "two", {}], "o": {"k": []}}
                """);

        assertThat(value).isEqualTo(new JsonObject(Map.of(
                "s", new JsonString("text"),
                "n", new JsonNumber(new BigDecimal("-12.5e1")),
                "t", new JsonBoolean(true),
                "f", new JsonBoolean(false),
                "z", new JsonNull(),
                "a", new JsonArray(List.of(new JsonNumber(BigDecimal.ONE), new JsonString("two"),
                        new JsonObject(Map.of()))),
                "o", new JsonObject(Map.of("k", new JsonArray(List.of()))))));
    }

    @Test
    void keepsObjectMembersInTheirWrittenOrder() {
        JsonObject object = (JsonObject) parse("{\"zeta\": 1, \"alpha\": 2, \"mid\": 3}");

        assertThat(object.members().keySet()).containsExactly("zeta", "alpha", "mid");
        assertThat(object.get("alpha")).isEqualTo(new JsonNumber(new BigDecimal(2)));
        assertThat(object.get("missing")).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-0", "42", "\"x\"", "true", "null", "[]", "{}", " \t\r\n[ 1 , 2 ]\n "})
    void acceptsAnyValueAtTheTopWithSurroundingWhitespace(String json) {
        assertThat(parse(json)).isNotNull();
    }

    @Test
    void keepsNumbersExact() {
        JsonNumber size = (JsonNumber) parse("9223372036854775807");
        JsonNumber tooBig = (JsonNumber) parse("9223372036854775808");

        assertThat(size.asExactLong()).isEqualTo(OptionalLong.of(Long.MAX_VALUE));
        assertThat(tooBig.value()).isEqualTo(new BigDecimal("9223372036854775808"));
        assertThat(tooBig.asExactLong()).isEmpty();
        assertThat(((JsonNumber) parse("2.5")).asExactLong()).isEmpty();
        assertThat(((JsonNumber) parse("-7")).asExactLong()).isEqualTo(OptionalLong.of(-7));
        assertThat(((JsonNumber) parse("1e999999999")).asExactLong()).isEmpty();
    }

    @Test
    void decodesEscapes() {
        JsonString string = (JsonString) parse("\"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t \\u0041\\u00e9\\u20AC \\ud83d\\ude00\"");

        assertThat(string.value()).isEqualTo("q\" b\\ s/ \b\f\n\r\t A\u00e9\u20ac \ud83d\ude00");
    }

    @Test
    void decodesMultiByteUtf8() {
        assertThat(parse("\"caf\u00e9 \u20ac \ud83d\udc33\"")).isEqualTo(new JsonString("caf\u00e9 \u20ac \ud83d\udc33"));
    }

    @Test
    void keysAreComparedAfterUnescaping() {
        assertThat(rejection("{\"a\": 1, \"\\u0061\": 2}"))
                .hasMessage("duplicate key 'a' at byte offset 9");
    }

    @ParameterizedTest(name = "[{0}]")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            ``                      | unexpected end of input at byte offset 0
            `   `                   | unexpected end of input at byte offset 3
            {"a": 1, "a": 2}        | duplicate key 'a' at byte offset 9
            {"a": 1} x              | unexpected content after the JSON value at byte offset 9
            {"a": 1}{}              | unexpected content after the JSON value at byte offset 8
            [1, 2,]                 | unexpected ']' at byte offset 6
            [1 2]                   | expected ',' but found '2' at byte offset 3
            {"a" 1}                 | expected ':' but found '1' at byte offset 5
            {"a": 1,}               | expected a string key at byte offset 8
            {a: 1}                  | expected a string key at byte offset 1
            {'a': 1}                | expected a string key at byte offset 1
            {"a": 1                 | expected ',' but input ended at byte offset 7
            [1                      | expected ',' but input ended at byte offset 2
            "abc                    | unterminated string at byte offset 4
            01                      | leading zero in number at byte offset 0
            -01                     | leading zero in number at byte offset 0
            +1                      | unexpected '+' at byte offset 0
            .5                      | unexpected '.' at byte offset 0
            1.                      | expected a digit at byte offset 2
            1.e5                    | expected a digit at byte offset 2
            1e                      | expected a digit at byte offset 2
            1e+                     | expected a digit at byte offset 3
            -                       | invalid number at byte offset 0
            -x                      | invalid number at byte offset 0
            NaN                     | unexpected 'N' at byte offset 0
            Infinity                | unexpected 'I' at byte offset 0
            -Infinity               | invalid number at byte offset 0
            0x10                    | unexpected content after the JSON value at byte offset 1
            1e2147483649            | number out of range at byte offset 0
            tru                     | invalid literal, expected true at byte offset 0
            nul                     | invalid literal, expected null at byte offset 0
            True                    | unexpected 'T' at byte offset 0
            truex                   | unexpected content after the JSON value at byte offset 4
            "\\x"                   | invalid escape sequence at byte offset 1
            "\\u12"                 | truncated \\u escape at byte offset 3
            "\\u12G4"               | invalid hex digit in \\u escape at byte offset 5
            "\\ud83d"               | lone high surrogate in \\u escape at byte offset 1
            "\\ud83dx"              | lone high surrogate in \\u escape at byte offset 1
            "\\ud83d\\u0041"        | lone high surrogate in \\u escape at byte offset 1
            "\\ude00"               | lone low surrogate in \\u escape at byte offset 1
            "\\                     | unterminated string at byte offset 2
            """)
    void rejectsWhatRfc8259DoesNotAllow(String json, String message) {
        assertThat(rejection(json)).hasMessage(message);
    }

    @Test
    void rejectsUnescapedControlCharactersInStrings() {
        assertThat(rejection("\"a\tb\"")).hasMessage("unescaped control character byte 0x09 in string at byte offset 2");
        assertThat(rejection("\"a\nb\"").offset()).isEqualTo(2);
        assertThat(rejection("\"\u0000\"")).hasMessageStartingWith("unescaped control character byte 0x00");
        assertThat(parse("\"\u007f\"")).isEqualTo(new JsonString("\u007f"));
    }

    @Test
    void rejectsInvalidUtf8() {
        byte[] lone0x80 = {'"', 'a', (byte) 0x80, '"'};
        byte[] overlongSlash = {'"', (byte) 0xc0, (byte) 0xaf, '"'};
        byte[] encodedSurrogate = {'"', (byte) 0xed, (byte) 0xa0, (byte) 0x80, '"'};
        byte[] truncated = {'"', 'x', (byte) 0xe2, (byte) 0x82, '"'};
        byte[] beyondUnicode = {'"', (byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80, '"'};
        byte[] latin1 = {'"', 'c', 'a', 'f', (byte) 0xe9, '"'};

        assertThat(rejection(lone0x80)).hasMessage("invalid UTF-8 at byte offset 2");
        assertThat(rejection(overlongSlash)).hasMessage("invalid UTF-8 at byte offset 1");
        assertThat(rejection(encodedSurrogate)).hasMessage("invalid UTF-8 at byte offset 1");
        assertThat(rejection(truncated)).hasMessage("invalid UTF-8 at byte offset 2");
        assertThat(rejection(beyondUnicode)).hasMessage("invalid UTF-8 at byte offset 1");
        assertThat(rejection(latin1)).hasMessage("invalid UTF-8 at byte offset 4");
    }

    @Test
    void rejectsNonAsciiOutsideStringsAndAByteOrderMark() {
        byte[] bom = {(byte) 0xef, (byte) 0xbb, (byte) 0xbf, '{', '}'};

        assertThat(rejection(bom)).hasMessage("unexpected byte 0xef at byte offset 0");
        assertThat(rejection("[1,\u00a02]")).hasMessage("unexpected byte 0xc2 at byte offset 3");
    }

    @Test
    void allowsNestingUpToTheLimit() {
        String deepest = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);

        JsonValue value = parse(deepest);

        int depth = 0;
        while (value instanceof JsonArray array) {
            depth++;
            value = array.elements().isEmpty() ? null : array.elements().getFirst();
        }
        assertThat(depth).isEqualTo(64);
    }

    @Test
    void rejectsDeeperNesting() {
        assertThat(rejection("[".repeat(65) + "]".repeat(65)))
                .hasMessage("nesting deeper than 64 levels at byte offset 64");
        assertThat(rejection("{\"a\":".repeat(64) + "{}" + "}".repeat(64)))
                .hasMessageStartingWith("nesting deeper than 64 levels");
    }

    @Test
    void hostileNestingFailsWithoutOverflowingTheStack() {
        assertThat(rejection("[".repeat(1_000_000))).hasMessageStartingWith("nesting deeper than 64 levels");
    }

    @Test
    void boundsTheLengthOfNumbers() {
        String longest = "1".repeat(Json.MAX_NUMBER_LENGTH);

        assertThat(parse(longest)).isEqualTo(new JsonNumber(new BigDecimal(longest)));
        assertThat(rejection("[" + longest + "1]")).hasMessage("number longer than 256 characters at byte offset 1");
    }

    @Test
    void treesAreImmutable() {
        JsonObject object = (JsonObject) parse("{\"a\": [1]}");
        JsonArray array = (JsonArray) object.get("a");

        assertThatThrownBy(() -> object.members().put("b", new JsonNull()))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> array.elements().add(new JsonNull())).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void valuesRejectNullComponents() {
        assertThatThrownBy(() -> new JsonString(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new JsonNumber(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new JsonArray(null)).isInstanceOf(NullPointerException.class);
        Map<String, JsonValue> withNullValue = new HashMap<>();
        withNullValue.put("a", null);
        assertThatThrownBy(() -> new JsonObject(withNullValue)).isInstanceOf(NullPointerException.class);
    }
}
