package dev.berth.application.browse;

import dev.berth.domain.Digest;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** How the previews word numbers and names for people. */
final class Wording {

    private static final String[] UNITS = {"kB", "MB", "GB", "TB", "PB", "EB"};

    private Wording() {
    }

    /** Decimal units, as registries and Docker report image sizes: {@code 12.4 MB}. */
    static String bytes(long bytes) {
        if (bytes < 1000) {
            return bytes + " B";
        }
        double value = bytes;
        int unit = -1;
        while (value >= 999.95 && unit < UNITS.length - 1) {
            value /= 1000;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, UNITS[unit]);
    }

    /** {@code 1 tag}, {@code 3 tags}. */
    static String count(long n, String singular) {
        return n + " " + (n == 1 ? singular : singular + "s");
    }

    /** The algorithm and 12 hex digits, enough to tell manifests apart on a screen. */
    static String digest(Digest digest) {
        return digest.algorithm().id() + ":" + digest.hex().substring(0, 12) + "…";
    }

    static String list(List<?> items) {
        return items.stream().map(Object::toString).collect(Collectors.joining(", "));
    }
}
