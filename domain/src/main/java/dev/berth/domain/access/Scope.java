package dev.berth.domain.access;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One entry of a token request's {@code scope} or a token's {@code access} claim, per the Docker
 * token specification: {@code repository:team-a/app:pull,push} or {@code registry:catalog:*}.
 */
public record Scope(String type, String name, Set<String> actions) {

    public static final Scope CATALOG = new Scope("registry", "catalog", Set.of("*"));

    public Scope {
        actions = Set.copyOf(new LinkedHashSet<>(actions));
    }

    /** @return the scopes in a space-separated list; malformed entries are skipped, as Distribution does */
    public static List<Scope> parseList(String text) {
        List<Scope> scopes = new ArrayList<>();
        // split at spaces and control characters alike (trim() dropped these at the ends only): no scope
        // holds one, so that a scope prints as text that parses back to it
        for (String part : text.split("[\\x00-\\x20]+")) {
            int first = part.indexOf(':');
            int last = part.lastIndexOf(':');
            if (first <= 0 || last <= first + 1 || last == part.length() - 1) {
                continue;
            }
            String type = part.substring(0, first);
            // "repository(plugin)" is a repository too
            if (type.startsWith("repository(")) {
                type = "repository";
            }
            // "pull,pull" and "pull,,push" are what a client means, not an error; ":," asks for nothing
            Set<String> actions = new LinkedHashSet<>(List.of(part.substring(last + 1).split(",")));
            actions.remove("");
            if (!actions.isEmpty()) {
                scopes.add(new Scope(type, part.substring(first + 1, last), actions));
            }
        }
        return scopes;
    }

    @Override
    public String toString() {
        return type + ":" + name + ":" + String.join(",", actions.stream().sorted().toList());
    }
}
