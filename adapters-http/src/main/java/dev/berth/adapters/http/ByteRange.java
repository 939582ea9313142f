package dev.berth.adapters.http;

import dev.berth.domain.error.RangeInvalidException;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A single byte range of a blob: from {@code Range: bytes=a-b}, {@code bytes=a-} or {@code bytes=-n}.
 * Public for its fuzz harness (dev.berth.adapters.http.fuzz); nothing outside this adapter uses it.
 */
public record ByteRange(long first, long last) {

    private static final Pattern RANGE = Pattern.compile("^bytes=(\\d{0,19})-(\\d{0,19})$");
    private static final Pattern CONTENT_RANGE = Pattern.compile("^(?:bytes )?(\\d{1,19})-(\\d{1,19})$");

    public long length() {
        return last - first + 1;
    }

    /** Thrown for a syntactically fine range that lies outside the blob: 416. */
    public static final class Unsatisfiable extends Exception {
        Unsatisfiable() {
            super(null, null, false, false);
        }
    }

    /**
     * @return empty when there is no header or it is not a single byte range (then the whole blob
     * is served, as RFC 9110 allows)
     */
    public static Optional<ByteRange> parse(String header, long size) throws Unsatisfiable {
        if (header == null) {
            return Optional.empty();
        }
        Matcher m = RANGE.matcher(header.trim());
        if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
            return Optional.empty();
        }
        try {
            if (m.group(1).isEmpty()) { // suffix: the last n bytes
                long n = Long.parseLong(m.group(2));
                if (n == 0 || size == 0) {
                    throw new Unsatisfiable();
                }
                return Optional.of(new ByteRange(Math.max(0, size - n), size - 1));
            }
            long first = Long.parseLong(m.group(1));
            long last = m.group(2).isEmpty() ? size - 1 : Math.min(Long.parseLong(m.group(2)), size - 1);
            if (first >= size || last < first) {
                throw new Unsatisfiable();
            }
            return Optional.of(new ByteRange(first, last));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** A chunk's Content-Range for uploads: {@code a-b} (Distribution's form) or {@code bytes a-b}. */
    public static Optional<ByteRange> parseContentRange(String header) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        Matcher m = CONTENT_RANGE.matcher(header.trim());
        if (!m.matches()) {
            throw new RangeInvalidException("Content-Range must be <first>-<last>");
        }
        try {
            long first = Long.parseLong(m.group(1));
            long last = Long.parseLong(m.group(2));
            if (last < first) {
                throw new RangeInvalidException("Content-Range ends before it starts");
            }
            if (last - first == Long.MAX_VALUE) {
                // 0-9223372036854775807: its length overflows to a negative chunk size
                throw new RangeInvalidException("Content-Range out of range");
            }
            return Optional.of(new ByteRange(first, last));
        } catch (NumberFormatException e) {
            throw new RangeInvalidException("Content-Range out of range");
        }
    }
}
