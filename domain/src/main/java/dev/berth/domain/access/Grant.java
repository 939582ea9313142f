package dev.berth.domain.access;

import dev.berth.domain.RepositoryName;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Permission to do {@code actions} on the repositories {@code pattern} covers. Written
 * {@code pattern:action,action} (for example {@code team-a/*:pull,push}).
 */
public record Grant(RepositoryPattern pattern, Set<Action> actions) {

    public Grant {
        if (actions.isEmpty()) {
            throw new IllegalArgumentException("a grant needs at least one action");
        }
        actions = Collections.unmodifiableSet(EnumSet.copyOf(actions));
    }

    public boolean allows(Action action, RepositoryName repository) {
        return actions.contains(action) && pattern.matches(repository);
    }

    /** @throws IllegalArgumentException when the text is not {@code pattern:actions} */
    public static Grant parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("grant '" + text + "': expected pattern:actions, e.g. team-a/*:pull,push");
        }
        return new Grant(new RepositoryPattern(text.substring(0, colon).trim()),
                Action.parseList(text.substring(colon + 1)));
    }

    /** Grants separated by whitespace or semicolons; empty text is no grant. */
    public static List<Grant> parseList(String text) {
        List<Grant> grants = new ArrayList<>();
        for (String part : text.trim().split("[\\s;]+")) {
            if (!part.isEmpty()) {
                grants.add(parse(part));
            }
        }
        return grants;
    }

    public static String format(List<Grant> grants) {
        return grants.stream().map(Grant::toString).collect(Collectors.joining(" "));
    }

    @Override
    public String toString() {
        return pattern + ":" + actions.stream().map(Action::word).collect(Collectors.joining(","));
    }
}
