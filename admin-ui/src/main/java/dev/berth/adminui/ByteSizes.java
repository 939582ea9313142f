package dev.berth.adminui;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Sizes as people type them: {@code 500 MB} (decimal), {@code 2 GiB} (binary), or bytes. */
final class ByteSizes {

    private static final Pattern SIZE = Pattern.compile("\\s*(\\d+(?:\\.\\d+)?)\\s*([a-z]*)\\s*");
    private static final Map<String, Long> UNITS = Map.ofEntries(Map.entry("", 1L), Map.entry("b", 1L),
            Map.entry("kb", 1_000L), Map.entry("mb", 1_000_000L), Map.entry("gb", 1_000_000_000L),
            Map.entry("tb", 1_000_000_000_000L), Map.entry("kib", 1L << 10), Map.entry("mib", 1L << 20),
            Map.entry("gib", 1L << 30), Map.entry("tib", 1L << 40));

    private ByteSizes() {
    }

    /** @throws IllegalArgumentException when the text is no size */
    static long parse(String text) {
        Matcher m = SIZE.matcher(text.toLowerCase(Locale.ROOT));
        if (!m.matches() || !UNITS.containsKey(m.group(2))) {
            throw new IllegalArgumentException("'" + text + "' is no size: write e.g. 500 MB, 2 GiB or a number of bytes");
        }
        try {
            return new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(UNITS.get(m.group(2)))).longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("'" + text + "' is not a whole number of bytes, or too large");
        }
    }
}
