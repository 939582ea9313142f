package dev.berth.application.upstream;

import java.util.Map;
import java.util.stream.Collectors;

/**
 * An upstream the configuration's rules refuse, with each reason under the form field it is about:
 * {@code prefix}, {@code remoteurl}, {@code username}, {@code password}, {@code ttl}, {@code maxsize},
 * {@code cabundle}, {@code clientcert}, {@code clientkey} (the configuration's keys), or {@code ""}
 * for the upstream as a whole. No reason repeats a password.
 */
public final class InvalidUpstream extends IllegalArgumentException {

    private final transient Map<String, String> problems;

    public InvalidUpstream(Map<String, String> problems) {
        super(problems.entrySet().stream().map(e -> (e.getKey().isEmpty() ? "" : e.getKey() + ": ") + e.getValue())
                .collect(Collectors.joining("; ")));
        this.problems = Map.copyOf(problems);
    }

    public static InvalidUpstream at(String field, String problem) {
        return new InvalidUpstream(Map.of(field, problem));
    }

    public Map<String, String> problems() {
        return problems;
    }
}
