package dev.berth.domain.json;

import dev.berth.domain.error.Excerpt;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict RFC 8259 parser for untrusted input (manifests pushed by anyone with push access).
 *
 * <p>Strict, because two parsers reading one document differently is how a manifest can mean one
 * thing to the registry and another to a client: duplicate keys, invalid UTF-8, lone surrogates,
 * unescaped control characters, leading zeros, a byte order mark and anything after the value are
 * all rejected. Bounded, so that small input cannot cost much: nesting stops at {@link #MAX_DEPTH}
 * (no stack overflow) and number literals at {@link #MAX_NUMBER_LENGTH} characters (no huge
 * {@link BigDecimal}).
 */
public final class Json {

    public static final int MAX_DEPTH = 64;
    public static final int MAX_NUMBER_LENGTH = 256;

    private final byte[] input;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private int pos;

    private Json(byte[] input) {
        this.input = input;
    }

    /**
     * Parses one JSON value (of any kind) from UTF-8 bytes, surrounded by optional whitespace.
     *
     * @throws JsonSyntaxException when the input is not strictly valid, with the offending byte offset
     */
    public static JsonValue parse(byte[] utf8) {
        Json parser = new Json(utf8);
        parser.skipWhitespace();
        JsonValue value = parser.value(0);
        parser.skipWhitespace();
        if (parser.pos < utf8.length) {
            throw parser.error("unexpected content after the JSON value");
        }
        return value;
    }

    private JsonValue value(int depth) {
        if (pos >= input.length) {
            throw error("unexpected end of input");
        }
        return switch (input[pos]) {
            case '{' -> object(depth + 1);
            case '[' -> array(depth + 1);
            case '"' -> new JsonString(string());
            case 't' -> literal("true", new JsonBoolean(true));
            case 'f' -> literal("false", new JsonBoolean(false));
            case 'n' -> literal("null", new JsonNull());
            case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9' -> number();
            default -> throw error("unexpected " + describe(input[pos]));
        };
    }

    private JsonObject object(int depth) {
        checkDepth(depth);
        pos++;
        Map<String, JsonValue> members = new LinkedHashMap<>();
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            return new JsonObject(members);
        }
        while (true) {
            skipWhitespace();
            if (peek() != '"') {
                throw error("expected a string key");
            }
            int keyOffset = pos;
            String key = string();
            if (members.containsKey(key)) {
                throw error("duplicate key " + Excerpt.quote(key), keyOffset);
            }
            skipWhitespace();
            expect(':');
            skipWhitespace();
            members.put(key, value(depth));
            skipWhitespace();
            if (peek() == '}') {
                pos++;
                return new JsonObject(members);
            }
            expect(',');
        }
    }

    private JsonArray array(int depth) {
        checkDepth(depth);
        pos++;
        List<JsonValue> elements = new ArrayList<>();
        skipWhitespace();
        if (peek() == ']') {
            pos++;
            return new JsonArray(elements);
        }
        while (true) {
            skipWhitespace();
            elements.add(value(depth));
            skipWhitespace();
            if (peek() == ']') {
                pos++;
                return new JsonArray(elements);
            }
            expect(',');
        }
    }

    private void checkDepth(int depth) {
        if (depth > MAX_DEPTH) {
            throw error("nesting deeper than " + MAX_DEPTH + " levels");
        }
    }

    private String string() {
        pos++;
        StringBuilder value = new StringBuilder();
        int runStart = pos;
        while (true) {
            if (pos >= input.length) {
                throw error("unterminated string");
            }
            byte b = input[pos];
            if (b == '"') {
                appendUtf8(value, runStart, pos);
                pos++;
                return value.toString();
            }
            if (b == '\\') {
                appendUtf8(value, runStart, pos);
                escape(value);
                runStart = pos;
            } else if (b >= 0 && b < 0x20) {
                throw error("unescaped control character " + describe(b) + " in string");
            } else {
                // Bytes of multi-byte characters are all >= 0x80, so they never look like '"' or '\'.
                pos++;
            }
        }
    }

    private void escape(StringBuilder value) {
        int escapeOffset = pos;
        pos++;
        if (pos >= input.length) {
            throw error("unterminated string");
        }
        byte kind = input[pos++];
        switch (kind) {
            case '"' -> value.append('"');
            case '\\' -> value.append('\\');
            case '/' -> value.append('/');
            case 'b' -> value.append('\b');
            case 'f' -> value.append('\f');
            case 'n' -> value.append('\n');
            case 'r' -> value.append('\r');
            case 't' -> value.append('\t');
            case 'u' -> unicodeEscape(value, escapeOffset);
            default -> throw error("invalid escape sequence", escapeOffset);
        }
    }

    private void unicodeEscape(StringBuilder value, int escapeOffset) {
        char c = hex4();
        if (Character.isLowSurrogate(c)) {
            throw error("lone low surrogate in \\u escape", escapeOffset);
        }
        if (Character.isHighSurrogate(c)) {
            boolean pairFollows = pos + 1 < input.length && input[pos] == '\\' && input[pos + 1] == 'u';
            if (!pairFollows) {
                throw error("lone high surrogate in \\u escape", escapeOffset);
            }
            pos += 2;
            char low = hex4();
            if (!Character.isLowSurrogate(low)) {
                throw error("lone high surrogate in \\u escape", escapeOffset);
            }
            value.append(c).append(low);
        } else {
            value.append(c);
        }
    }

    private char hex4() {
        if (pos + 4 > input.length) {
            throw error("truncated \\u escape");
        }
        int code = 0;
        for (int i = 0; i < 4; i++) {
            int digit = Character.digit(input[pos + i], 16);
            if (digit < 0) {
                throw error("invalid hex digit in \\u escape", pos + i);
            }
            code = code << 4 | digit;
        }
        pos += 4;
        return (char) code;
    }

    private void appendUtf8(StringBuilder value, int start, int end) {
        ByteBuffer in = ByteBuffer.wrap(input, start, end - start);
        CharBuffer out = CharBuffer.allocate(end - start);
        utf8.reset();
        CoderResult result = utf8.decode(in, out, true);
        if (!result.isError()) {
            result = utf8.flush(out);
        }
        if (result.isError()) {
            throw error("invalid UTF-8", in.position());
        }
        value.append(out.flip());
    }

    private JsonNumber number() {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        if (peek() == '0') {
            pos++;
            if (isDigit(peek())) {
                throw error("leading zero in number", start);
            }
        } else if (isDigit(peek())) {
            skipDigits();
        } else {
            throw error("invalid number", start);
        }
        if (peek() == '.') {
            pos++;
            requireDigits();
        }
        if (peek() == 'e' || peek() == 'E') {
            pos++;
            if (peek() == '+' || peek() == '-') {
                pos++;
            }
            requireDigits();
        }
        if (pos - start > MAX_NUMBER_LENGTH) {
            throw error("number longer than " + MAX_NUMBER_LENGTH + " characters", start);
        }
        try {
            return new JsonNumber(new BigDecimal(new String(input, start, pos - start, StandardCharsets.US_ASCII)));
        } catch (NumberFormatException exponentOutOfRange) {
            throw error("number out of range", start);
        }
    }

    private void requireDigits() {
        if (!isDigit(peek())) {
            throw error("expected a digit");
        }
        skipDigits();
    }

    private void skipDigits() {
        while (isDigit(peek())) {
            pos++;
        }
    }

    private static boolean isDigit(int b) {
        return b >= '0' && b <= '9';
    }

    private JsonValue literal(String word, JsonValue value) {
        for (int i = 0; i < word.length(); i++) {
            if (pos + i >= input.length || input[pos + i] != word.charAt(i)) {
                throw error("invalid literal, expected " + word);
            }
        }
        pos += word.length();
        return value;
    }

    private void skipWhitespace() {
        while (pos < input.length) {
            byte b = input[pos];
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return;
            }
            pos++;
        }
    }

    /** The current byte (0 to 255), or -1 at the end of input. */
    private int peek() {
        return pos < input.length ? input[pos] & 0xff : -1;
    }

    private void expect(char expected) {
        if (peek() != expected) {
            throw error(pos < input.length
                    ? "expected '" + expected + "' but found " + describe(input[pos])
                    : "expected '" + expected + "' but input ended");
        }
        pos++;
    }

    private static String describe(byte b) {
        return b >= 0x21 && b < 0x7f ? "'" + (char) b + "'" : String.format("byte 0x%02x", b & 0xff);
    }

    private JsonSyntaxException error(String reason) {
        return error(reason, pos);
    }

    private JsonSyntaxException error(String reason, int offset) {
        return new JsonSyntaxException(reason, offset);
    }
}
