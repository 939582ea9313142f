package dev.berth.domain.access;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** What a caller may do to a repository; the words are those of the Docker token specification. */
public enum Action {
    PULL, PUSH, DELETE;

    /** The lower-case word used in scopes, tokens and grants. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @return the action, or {@code null} for an unknown word */
    public static Action ofWord(String word) {
        return switch (word) {
            case "pull" -> PULL;
            case "push" -> PUSH;
            case "delete" -> DELETE;
            default -> null;
        };
    }

    /**
     * Comma-separated words, {@code *} meaning all three.
     *
     * @throws IllegalArgumentException naming the first unknown word
     */
    public static Set<Action> parseList(String words) {
        Set<Action> actions = EnumSet.noneOf(Action.class);
        for (String word : words.split(",")) {
            String w = word.trim();
            if (w.equals("*")) {
                actions.addAll(EnumSet.allOf(Action.class));
                continue;
            }
            Action action = ofWord(w);
            if (action == null) {
                throw new IllegalArgumentException("unknown action '" + w + "' (expected pull, push, delete or *)");
            }
            actions.add(action);
        }
        return actions;
    }
}
