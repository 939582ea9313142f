package dev.berth.domain.json;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Indents JSON for people to read, two spaces a level, from the exact bytes: members keep their
 * order, and strings, escapes and number literals stay as written. A manifest's digest is over its
 * bytes, so what an operator reads must be those bytes, only with whitespace changed.
 */
public final class JsonPrettyPrinter {

    private static final int INDENT = 2;

    private JsonPrettyPrinter() {
    }

    /**
     * @param utf8     JSON that {@link Json#parse} accepts
     * @param maxBytes the most UTF-8 bytes of indented JSON to return; past them it is cut (never inside a
     *                 character) and a line saying so follows
     * @throws JsonSyntaxException when it does not: the reformatter below relies on valid input
     */
    public static String print(byte[] utf8, int maxBytes) {
        Json.parse(utf8);
        // what one step writes is bounded by the longest token, so the buffer never grows far past maxBytes
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(utf8.length + utf8.length / 2L,
                maxBytes + 1L));
        int depth = 0;
        int i = 0;
        while (i < utf8.length && out.size() <= maxBytes) {
            byte b = utf8[i];
            switch (b) {
                case ' ', '\t', '\n', '\r' -> i++;
                case '"' -> {
                    int end = endOfString(utf8, i);
                    out.write(utf8, i, end - i);
                    i = end;
                }
                case '{', '[' -> {
                    out.write(b);
                    int next = skipWhitespace(utf8, i + 1);
                    if (utf8[next] == '}' || utf8[next] == ']') {
                        // an empty object or array stays on its line: {} and []
                        out.write(utf8[next]);
                        i = next + 1;
                    } else {
                        depth++;
                        newLine(out, depth);
                        i = next;
                    }
                }
                case '}', ']' -> {
                    depth--;
                    newLine(out, depth);
                    out.write(b);
                    i++;
                }
                case ',' -> {
                    out.write(b);
                    newLine(out, depth);
                    i++;
                }
                case ':' -> {
                    out.write(':');
                    out.write(' ');
                    i++;
                }
                default -> {
                    // a number or literal: copied up to the next structural character or blank
                    int end = i;
                    while (end < utf8.length && "{}[],: \t\n\r\"".indexOf(utf8[end]) < 0) {
                        end++;
                    }
                    out.write(utf8, i, end - i);
                    i = end;
                }
            }
        }
        if (out.size() <= maxBytes) {
            return out.toString(StandardCharsets.UTF_8);
        }
        byte[] printed = out.toByteArray();
        int cut = maxBytes;
        while (cut > 0 && (printed[cut] & 0xC0) == 0x80) {
            // a UTF-8 continuation byte: the character started before it and is left out whole
            cut--;
        }
        return new String(printed, 0, cut, StandardCharsets.UTF_8) + "\n" + truncationNote(maxBytes, utf8.length);
    }

    /** The line that follows truncated output. */
    static String truncationNote(int maxBytes, int inputBytes) {
        return "… truncated: the indented JSON is longer than " + maxBytes + " bytes; the stored document has "
                + inputBytes + " bytes, unchanged.";
    }

    /** The index just after the closing quote of the string that opens at {@code start}. */
    private static int endOfString(byte[] utf8, int start) {
        int i = start + 1;
        while (utf8[i] != '"') {
            // an escape's second byte (\" or \\) never closes the string
            i += utf8[i] == '\\' ? 2 : 1;
        }
        return i + 1;
    }

    private static int skipWhitespace(byte[] utf8, int from) {
        int i = from;
        while (utf8[i] == ' ' || utf8[i] == '\t' || utf8[i] == '\n' || utf8[i] == '\r') {
            i++;
        }
        return i;
    }

    private static void newLine(ByteArrayOutputStream out, int depth) {
        out.write('\n');
        for (int i = 0; i < depth * INDENT; i++) {
            out.write(' ');
        }
    }
}
