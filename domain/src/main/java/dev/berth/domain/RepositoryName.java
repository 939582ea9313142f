package dev.berth.domain;

import dev.berth.domain.error.Excerpt;
import dev.berth.domain.error.NameInvalidException;

import java.util.List;
import java.util.Objects;

/**
 * The name of an image repository, such as {@code library/ubuntu}: path components separated by
 * {@code /}, each matching {@code [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*}, at most 255 characters in all.
 *
 * <p>Names arrive straight from request paths, so the grammar is checked by a single linear scan
 * rather than a backtracking regex that a crafted name could make run for hours.
 */
public record RepositoryName(String value) {

    public static final int MAX_LENGTH = 255;

    /** @throws NameInvalidException when the value breaks the grammar */
    public RepositoryName {
        Objects.requireNonNull(value, "value");
        String violation = violation(value);
        if (violation != null) {
            throw new NameInvalidException(violation);
        }
    }

    /** @throws NameInvalidException when the value breaks the grammar */
    public static RepositoryName parse(String value) {
        return new RepositoryName(value);
    }

    /** The path components, e.g. {@code [library, ubuntu]}; never empty. */
    public List<String> components() {
        return List.of(value.split("/"));
    }

    @Override
    public String toString() {
        return value;
    }

    /** Why {@code name} breaks the grammar, or {@code null} when it does not. */
    private static String violation(String name) {
        if (name.isEmpty()) {
            return "repository name must not be empty";
        }
        if (name.length() > MAX_LENGTH) {
            return "repository name must not exceed " + MAX_LENGTH + " characters, got " + name.length();
        }
        int i = 0;
        while (true) {
            if (i == name.length() || name.charAt(i) == '/') {
                return "empty path component at index " + i + " of " + Excerpt.quote(name);
            }
            // Each pass consumes a run of [a-z0-9] and at most one separator, which must be followed by another run.
            while (true) {
                if (!isLowerAlphanumeric(name.charAt(i))) {
                    return "expected a lowercase letter or digit at index " + i + " of " + Excerpt.quote(name)
                            + ", found '" + Excerpt.printable(name.charAt(i)) + "'";
                }
                while (i < name.length() && isLowerAlphanumeric(name.charAt(i))) {
                    i++;
                }
                if (i == name.length() || name.charAt(i) == '/') {
                    break;
                }
                i = afterSeparator(name, i);
                if (i == name.length()) {
                    return "path component must not end with a separator: " + Excerpt.quote(name);
                }
            }
            if (i == name.length()) {
                return null;
            }
            i++;
        }
    }

    /** Skips the separator at {@code i} ({@code .}, {@code _}, {@code __} or a run of {@code -}), if any. */
    private static int afterSeparator(String name, int i) {
        return switch (name.charAt(i)) {
            case '.' -> i + 1;
            case '_' -> i + 1 < name.length() && name.charAt(i + 1) == '_' ? i + 2 : i + 1;
            case '-' -> {
                int end = i;
                while (end < name.length() && name.charAt(end) == '-') {
                    end++;
                }
                yield end;
            }
            default -> i;
        };
    }

    private static boolean isLowerAlphanumeric(char c) {
        return c >= 'a' && c <= 'z' || c >= '0' && c <= '9';
    }
}
