package dev.berth.deploy.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The YAML tree flattened to dotted keys ("storage.filesystem.rootdirectory"), with environment
 * variables overriding keys the way Distribution does (REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY).
 * Remembers which keys were read, so that the rest can be reported as unknown, and collects every
 * invalid value instead of stopping at the first. Notes each key's effective text and origin for the
 * admin UI's Settings page, secrets masked here so that they never leave the configuration.
 */
final class RawConfig {

    static final String ENV_PREFIX = "REGISTRY_";

    private final Map<String, Object> values;
    private final Map<String, String> env;
    private final Set<String> readKeys = new HashSet<>();
    private final Set<String> readEnv = new HashSet<>();
    private final List<String> problems = new ArrayList<>();
    private final Map<String, BerthConfig.Setting> settings = new TreeMap<>();

    RawConfig(Map<String, Object> yaml, Map<String, String> env) {
        this.values = new LinkedHashMap<>();
        flatten("", yaml, values);
        this.env = env;
    }

    @SuppressWarnings("unchecked")
    private static void flatten(String prefix, Map<?, ?> tree, Map<String, Object> into) {
        tree.forEach((k, v) -> {
            String key = prefix + String.valueOf(k).toLowerCase(Locale.ROOT);
            if (v instanceof Map<?, ?> child && !child.isEmpty()) {
                flatten(key + ".", child, into);
            } else {
                into.put(key, v);
            }
        });
    }

    static String envName(String key) {
        return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_');
    }

    /** The value of {@code key}, the environment first; absent when neither sets it or it is empty. */
    Optional<String> string(String key) {
        readKeys.add(key);
        String envName = envName(key);
        readEnv.add(envName);
        String fromEnv = env.get(envName);
        if (fromEnv != null) {
            note(key, fromEnv.trim(), "environment " + envName);
            return fromEnv.isBlank() ? Optional.empty() : Optional.of(fromEnv.trim());
        }
        Object value = values.get(key);
        if (value == null || value instanceof Map<?, ?> || value instanceof List<?>) {
            if (value != null) {
                problems.add(key + ": expected a single value, found " + describe(value));
            }
            settings.putIfAbsent(key, new BerthConfig.Setting(key, "", BerthConfig.Setting.DEFAULT));
            return Optional.empty();
        }
        String text = String.valueOf(value).trim();
        note(key, text, "file");
        return text.isEmpty() ? Optional.empty() : Optional.of(text);
    }

    /** Every key read so far, by name: the effective text (masked when secret) and where it came from. */
    List<BerthConfig.Setting> settings() {
        return List.copyOf(settings.values());
    }

    private static final String MASK = "•••••• (set)";
    private static final List<String> SECRET_WORDS = List.of("password", "secret", "passphrase", "accesskey",
            "accountkey", "bearertoken", "private_key", "credentials.");
    /** A password in a JDBC URL's parameters, or the user information of a URL. */
    private static final Pattern SECRET_IN_TEXT = Pattern.compile("(?i)(password=)[^&;]*|(?<=://)[^/@\\s]*@");

    private void note(String key, String text, String source) {
        boolean secret = SECRET_WORDS.stream().anyMatch(key::contains) && !key.endsWith("file");
        String shown = text.isEmpty() || !secret ? SECRET_IN_TEXT.matcher(text).replaceAll(m ->
                m.group(1) != null ? m.group(1) + "••••••" : "••••••@") : MASK;
        settings.put(key, new BerthConfig.Setting(key, shown, source));
    }

    /** The default a key fell back to, shown as the effective value when neither file nor environment set it. */
    private void noteDefault(String key, Object defaultValue) {
        BerthConfig.Setting current = settings.get(key);
        if (current != null && current.value().isEmpty() && defaultValue != null) {
            settings.put(key, new BerthConfig.Setting(key, display(defaultValue), current.source()));
        }
    }

    private static String display(Object value) {
        if (value instanceof Duration d) {
            return d.toSeconds() % 3600 == 0 ? d.toHours() + "h" : d.toSeconds() % 60 == 0 ? d.toMinutes() + "m"
                    : d.toSeconds() + "s";
        }
        return value instanceof Enum<?> e ? e.name().toLowerCase(Locale.ROOT) : String.valueOf(value);
    }

    /**
     * A list: a YAML sequence of single values, or one text of comma-separated values (the only
     * form an environment variable has); empty when not set.
     */
    List<String> list(String key) {
        Object value = env.containsKey(envName(key)) ? null : values.get(key);
        if (value instanceof List<?> items) {
            readKeys.add(key);
            readEnv.add(envName(key));
            note(key, String.join(", ", items.stream().map(String::valueOf).toList()), "file");
            List<String> result = new ArrayList<>();
            for (Object item : items) {
                if (item == null || item instanceof Map<?, ?> || item instanceof List<?>) {
                    problems.add(key + ": expected a list of single values");
                    return List.of();
                }
                result.add(String.valueOf(item).trim());
            }
            return result.stream().filter(t -> !t.isEmpty()).toList();
        }
        return string(key).map(text -> java.util.Arrays.stream(text.split(",")).map(String::trim)
                .filter(t -> !t.isEmpty()).toList()).orElse(List.of());
    }

    /** A file or directory, absolute and normalized; a problem when the text names none (a NUL in it). */
    Optional<Path> path(String key) {
        return Optional.ofNullable(parsed(key, null, "a file path", RawConfig::absolutePath, false));
    }

    Path path(String key, Path defaultPath) {
        Optional<Path> path = path(key);
        if (path.isEmpty()) {
            noteDefault(key, defaultPath);
        }
        return path.orElse(defaultPath);
    }

    /** @return null for a text that is no path */
    static Path absolutePath(String text) {
        try {
            return Path.of(text).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            return null;
        }
    }

    String string(String key, String defaultValue) {
        Optional<String> text = string(key);
        if (text.isEmpty()) {
            noteDefault(key, defaultValue);
        }
        return text.orElse(defaultValue);
    }

    boolean bool(String key, boolean defaultValue) {
        return parsed(key, defaultValue, "true or false", text -> switch (text.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> null;
        }, false);
    }

    int integer(String key, int defaultValue, int min, int max) {
        return parsed(key, defaultValue, "a whole number from " + min + " to " + max, text -> {
            try {
                int n = Integer.parseInt(text);
                return n >= min && n <= max ? n : null;
            } catch (NumberFormatException e) {
                return null;
            }
        }, false);
    }

    /**
     * Parses the value with {@code parser}, which answers null for an invalid one; the problem
     * names the key, what was expected and (unless secret) what was found.
     */
    <T> T parsed(String key, T defaultValue, String expected, Function<String, T> parser, boolean secret) {
        Optional<String> text = string(key);
        if (text.isEmpty()) {
            noteDefault(key, defaultValue);
            return defaultValue;
        }
        T value = parser.apply(text.get());
        if (value == null) {
            problems.add(key + ": expected " + expected + (secret ? "" : ", found '" + text.get() + "'")
                    + source(key));
            return defaultValue;
        }
        return value;
    }

    void problem(String message) {
        problems.add(message);
    }

    List<String> problems() {
        return problems;
    }

    /** Second-level names under {@code section} in the file or the environment (e.g. storage drivers). */
    Set<String> children(String section) {
        Set<String> names = new TreeSet<>();
        String prefix = section + ".";
        for (String key : values.keySet()) {
            if (key.startsWith(prefix)) {
                names.add(key.substring(prefix.length()).split("\\.", 2)[0]);
            }
        }
        return names;
    }

    /** Keys present in the file that nothing read. */
    List<String> unreadKeys() {
        return values.keySet().stream().filter(k -> !readKeys.contains(k)).sorted().toList();
    }

    /** REGISTRY_* variables that nothing read. */
    List<String> unreadEnvironment(Set<String> alsoKnown) {
        return env.keySet().stream()
                .filter(name -> name.startsWith(ENV_PREFIX))
                .filter(name -> !readEnv.contains(name) && !alsoKnown.contains(name))
                .sorted().toList();
    }

    /** The value of {@code key} in the file as YAML gave it (a list, for instance); no environment override. */
    Object raw(String key) {
        readKeys.add(key);
        Object value = values.get(key);
        if (value != null) {
            // structured values (endpoints with their headers) may hold credentials anywhere: shown as a summary
            settings.put(key, new BerthConfig.Setting(key, value instanceof List<?> list ? list.size() + " entries in the file"
                    : "set in the file", "file"));
        }
        return value;
    }

    void markRead(String key) {
        readKeys.add(key);
    }

    boolean fromEnvironment(String key) {
        return env.containsKey(envName(key));
    }

    private String source(String key) {
        return env.containsKey(envName(key)) ? " (from environment variable " + envName(key) + ")" : "";
    }

    private static String describe(Object value) {
        return value instanceof List<?> ? "a list" : "a section";
    }
}
