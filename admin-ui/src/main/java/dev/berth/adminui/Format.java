package dev.berth.adminui;

import dev.berth.domain.Digest;
import dev.berth.domain.manifest.Platform;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** How the UI writes sizes, times, digests and platforms: the way docker and the spec write them. */
final class Format {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final String[] UNITS = {"B", "kB", "MB", "GB", "TB", "PB"};

    private Format() {
    }

    /** Decimal units, as docker prints image sizes; exact below 1 kB. */
    static String bytes(long bytes) {
        if (bytes < 1000) {
            return bytes + " B";
        }
        double value = bytes;
        int unit = 0;
        while (value >= 999.95 && unit < UNITS.length - 1) {
            value /= 1000;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, UNITS[unit]);
    }

    static String time(Instant instant) {
        return TIME.format(instant);
    }

    static String time(Optional<Instant> instant) {
        return instant.map(Format::time).orElse("—");
    }

    /** sha256:0123456789ab — the 12 hex digits docker shows, enough to tell images apart on a page. */
    static String shortDigest(Digest digest) {
        String value = digest.toString();
        int colon = value.indexOf(':');
        return value.substring(0, Math.min(value.length(), colon + 1 + 12));
    }

    /** os/architecture[/variant], as docker's --platform. */
    static String platform(Platform platform) {
        return platform(platform.os(), platform.architecture(), platform.variant());
    }

    static String platform(String os, String architecture, String variant) {
        return os + "/" + architecture + (variant == null || variant.isEmpty() ? "" : "/" + variant);
    }

    static String platforms(List<Platform> platforms) {
        return String.join(", ", platforms.stream().map(Format::platform).toList());
    }
}
