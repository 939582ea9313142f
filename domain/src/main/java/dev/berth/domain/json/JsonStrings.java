package dev.berth.domain.json;

import java.util.function.IntPredicate;

/** JSON string literals, written by hand where no JSON library is wanted (events, logs, manifests). */
public final class JsonStrings {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private JsonStrings() {
    }

    /** {@code value} quoted: quote and backslash escaped, control characters as {@code \n \r \t} or hex escapes. */
    public static String quote(String value) {
        return quote(value, c -> false);
    }

    /** {@link #quote(String)}, and every character {@code alsoEscaped} picks written as a hex escape too. */
    public static String quote(String value, IntPredicate alsoEscaped) {
        StringBuilder out = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || alsoEscaped.test(c)) {
                        out.append("\\u").append(HEX[c >> 12 & 0xF]).append(HEX[c >> 8 & 0xF])
                                .append(HEX[c >> 4 & 0xF]).append(HEX[c & 0xF]);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
