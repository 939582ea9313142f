package dev.berth.domain.access;

import dev.berth.domain.RepositoryName;

import java.util.Objects;

/**
 * Which repositories a grant covers: an exact name ({@code team-a/app}), or a pattern where
 * {@code *} stands for any characters, slashes included ({@code team-a/*} is everything below
 * {@code team-a/}, {@code *} is every repository).
 */
public record RepositoryPattern(String value) {

    public static final RepositoryPattern ALL = new RepositoryPattern("*");

    /** @throws IllegalArgumentException when the pattern has characters no repository name has */
    public RepositoryPattern {
        Objects.requireNonNull(value, "value");
        if (value.isEmpty() || value.length() > RepositoryName.MAX_LENGTH) {
            throw new IllegalArgumentException("repository pattern must have 1 to " + RepositoryName.MAX_LENGTH
                    + " characters");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'
                    || c == '/' || c == '*';
            if (!ok) {
                throw new IllegalArgumentException("repository pattern '" + value
                        + "' may contain only a-z, 0-9, '.', '_', '-', '/' and '*'");
            }
        }
    }

    public boolean matches(RepositoryName name) {
        return matches(value, name.value());
    }

    /** Glob match with '*' only: linear backtracking to the last star, never exponential. */
    static boolean matches(String pattern, String text) {
        int p = 0;
        int t = 0;
        int star = -1;
        int resume = 0;
        while (t < text.length()) {
            if (p < pattern.length() && pattern.charAt(p) != '*' && pattern.charAt(p) == text.charAt(t)) {
                p++;
                t++;
            } else if (p < pattern.length() && pattern.charAt(p) == '*') {
                star = p++;
                resume = t;
            } else if (star >= 0) {
                p = star + 1;
                t = ++resume;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }

    @Override
    public String toString() {
        return value;
    }
}
