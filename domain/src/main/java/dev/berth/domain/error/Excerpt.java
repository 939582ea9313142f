package dev.berth.domain.error;

/**
 * Quotes client input for an exception detail. Details end up in responses and logs, so the input
 * is cut short (a 10 000-character name must not be echoed back) and made printable (a newline in
 * a tag must not forge a log line).
 */
public final class Excerpt {

    static final int MAX_CHARS = 64;

    private Excerpt() {
    }

    /** {@code input} in single quotes, cut to 64 characters, anything but printable ASCII escaped JSON-style. */
    public static String quote(String input) {
        StringBuilder quoted = new StringBuilder("'");
        int end = Math.min(input.length(), MAX_CHARS);
        for (int i = 0; i < end; i++) {
            quoted.append(printable(input.charAt(i)));
        }
        quoted.append('\'');
        if (input.length() > MAX_CHARS) {
            quoted.append("... (").append(input.length()).append(" characters)");
        }
        return quoted.toString();
    }

    /** One character as it may appear in a detail: itself when printable ASCII, else escaped JSON-style. */
    public static String printable(char c) {
        return c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c);
    }
}
