package dev.berth.application.retention;

import dev.berth.domain.access.RepositoryPattern;

import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Which tags of the repositories a pattern covers are kept; every other tag goes. A tag is kept when
 * any rule keeps it, so a policy needs at least one rule.
 *
 * @param id             the store's; 0 before it is stored
 * @param repositories   which repositories it covers: {@code team-a/*} is the namespace team-a
 * @param keepLast       the N most recently pushed tags
 * @param keepMatching   tags whose whole name matches this regular expression
 * @param keepPulledDays tags pulled within so many days
 */
public record RetentionPolicy(long id, RepositoryPattern repositories, OptionalInt keepLast,
                              Optional<String> keepMatching, OptionalInt keepPulledDays) {

    /** Regular expressions run against names of at most 128 characters; this bounds the expression. */
    private static final int MAX_REGEX_LENGTH = 256;

    /** @throws IllegalArgumentException when it has no rule, a negative number or a broken expression */
    public RetentionPolicy {
        if (keepLast.isEmpty() && keepMatching.isEmpty() && keepPulledDays.isEmpty()) {
            throw new IllegalArgumentException("a retention policy needs at least one rule of what to keep");
        }
        if (keepLast.orElse(0) < 0 || keepPulledDays.orElse(0) < 0) {
            throw new IllegalArgumentException("numbers of tags and days are zero or more");
        }
        keepMatching.ifPresent(RetentionPolicy::compile);
    }

    Pattern keptNames() {
        return compile(keepMatching.orElseThrow());
    }

    private static Pattern compile(String regex) {
        if (regex.isEmpty() || regex.length() > MAX_REGEX_LENGTH) {
            throw new IllegalArgumentException("the tag expression must have 1 to " + MAX_REGEX_LENGTH + " characters");
        }
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("not a regular expression: " + e.getDescription());
        }
    }

    /** For people: {@code team-a/*: keep the last 10, tags matching v.*, tags pulled within 30 days}. */
    public String describe() {
        StringBuilder rules = new StringBuilder();
        keepLast.ifPresent(n -> rules.append(", the last ").append(n).append(" pushed"));
        keepMatching.ifPresent(r -> rules.append(", tags matching ").append(r));
        keepPulledDays.ifPresent(d -> rules.append(", tags pulled within ").append(d).append(" days"));
        return repositories.value() + ": keep" + rules.substring(1);
    }
}
