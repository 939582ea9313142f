package dev.berth.deploy.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as Distribution's config.yml writes them (Go's syntax): {@code 500ms}, {@code 1s}, {@code 1m30s}, {@code 2h}. */
final class DurationText {

    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");

    private DurationText() {
    }

    /** @return null when the text is not a positive Go duration */
    static Duration parse(String text) {
        Matcher m = PART.matcher(text.trim());
        long nanos = 0;
        int end = 0;
        while (m.find() && m.start() == end) {
            double amount = Double.parseDouble(m.group(1));
            long unit = switch (m.group(2)) {
                case "ns" -> 1L;
                case "us", "µs" -> 1_000L;
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                default -> 3_600_000_000_000L;
            };
            nanos += (long) (amount * unit);
            end = m.end();
        }
        return end == 0 || end != text.trim().length() || nanos <= 0 ? null : Duration.ofNanos(nanos);
    }
}
