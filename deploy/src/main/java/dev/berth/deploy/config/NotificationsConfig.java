package dev.berth.deploy.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code notifications.endpoints}: Distribution's list of webhook endpoints, each checked with its
 * position and name in every message. A list cannot be set through environment variables (as in
 * Distribution), so these keys come from the file only.
 */
final class NotificationsConfig {

    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);
    static final int DEFAULT_THRESHOLD = 10;
    static final Duration DEFAULT_BACKOFF = Duration.ofSeconds(1);
    private static final Set<String> ACTIONS = Set.of("push", "pull", "delete", "mount");
    private static final Set<String> KEYS = Set.of("name", "url", "headers", "timeout", "threshold", "backoff",
            "ignoredmediatypes", "ignore", "disabled", "format", "signingkey");

    private NotificationsConfig() {
    }

    static BerthConfig.Notifications read(RawConfig raw, List<String> warnings) {
        Duration retention = raw.parsed("notifications.retention", Duration.ofHours(24),
                "a duration such as 30m, 24h", DurationText::parse, false);
        List<BerthConfig.Endpoint> endpoints = new ArrayList<>();
        Object list = raw.raw("notifications.endpoints");
        if (list == null) {
            return new BerthConfig.Notifications(endpoints, retention);
        }
        if (!(list instanceof List<?> entries)) {
            raw.problem("notifications.endpoints: expected a list of endpoints");
            return new BerthConfig.Notifications(endpoints, retention);
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < entries.size(); i++) {
            String where = "notifications.endpoints[" + i + "]";
            if (!(entries.get(i) instanceof Map<?, ?> entry)) {
                raw.problem(where + ": expected an endpoint (name, url, ...)");
                continue;
            }
            Map<String, Object> e = lowerCase(entry);
            Object name = e.get("name");
            if ((name instanceof String || name instanceof Number) && !String.valueOf(name).isBlank()) {
                String n = String.valueOf(name);
                where = "notifications.endpoints[" + i + "] (" + n + ")";
                if (!names.add(n)) {
                    raw.problem(where + ": another endpoint has the same name");
                }
            } else {
                raw.problem(where + ".name: expected a name (quote names YAML reads as true/false)");
            }
            for (String key : e.keySet()) {
                if (!KEYS.contains(key)) {
                    warnings.add(where + "." + key + ": unknown endpoint key; ignored");
                }
            }
            endpoint(raw, where, e).ifPresent(endpoints::add);
        }
        return new BerthConfig.Notifications(endpoints, retention);
    }

    private static Optional<BerthConfig.Endpoint> endpoint(RawConfig raw, String where, Map<String, Object> e) {
        int before = raw.problems().size();
        URI url = null;
        Object urlText = e.get("url");
        try {
            url = urlText == null ? null : new URI(String.valueOf(urlText));
        } catch (URISyntaxException ignored) {
            // reported below
        }
        if (url == null || !("http".equals(url.getScheme()) || "https".equals(url.getScheme())) || url.getHost() == null) {
            // the URL may carry credentials: never echoed
            raw.problem(where + ".url: expected an absolute http or https URL");
        }
        Duration timeout = duration(raw, where, e, "timeout", DEFAULT_TIMEOUT);
        Duration backoff = duration(raw, where, e, "backoff", DEFAULT_BACKOFF);
        int threshold = DEFAULT_THRESHOLD;
        Object t = e.get("threshold");
        if (t != null) {
            try {
                threshold = Integer.parseInt(String.valueOf(t).trim());
            } catch (NumberFormatException ex) {
                threshold = -1;
            }
            if (threshold < 1 || threshold > 1_000_000) {
                raw.problem(where + ".threshold: expected a whole number from 1 to 1000000, found '" + t + "'");
            }
        }
        Set<String> mediaTypes = new LinkedHashSet<>(strings(raw, where + ".ignoredmediatypes", e.get("ignoredmediatypes")));
        Set<String> actions = new LinkedHashSet<>();
        Object ignore = e.get("ignore");
        if (ignore instanceof Map<?, ?> rules) {
            Map<String, Object> r = lowerCase(rules);
            mediaTypes.addAll(strings(raw, where + ".ignore.mediatypes", r.get("mediatypes")));
            for (String action : strings(raw, where + ".ignore.actions", r.get("actions"))) {
                if (ACTIONS.contains(action)) {
                    actions.add(action);
                } else {
                    raw.problem(where + ".ignore.actions: expected push, pull, delete or mount, found '" + action + "'");
                }
            }
        } else if (ignore != null) {
            raw.problem(where + ".ignore: expected mediatypes and/or actions");
        }
        String format = e.get("format") == null ? "v2" : String.valueOf(e.get("format"));
        if (!format.equals("v1") && !format.equals("v2")) {
            raw.problem(where + ".format: expected v1 (registry:2's envelope) or v2 (Distribution 3's), found '"
                    + format + "'");
        }
        boolean disabled = false;
        Object d = e.get("disabled");
        if (d != null) {
            if (d instanceof Boolean b) {
                disabled = b;
            } else {
                raw.problem(where + ".disabled: expected true or false, found '" + d + "'");
            }
        }
        Object key = e.get("signingkey");
        if (key != null && String.valueOf(key).length() < 16) {
            raw.problem(where + ".signingkey: expected at least 16 characters");
        }
        Map<String, List<String>> headers = headers(raw, where, e.get("headers"));
        if (raw.problems().size() > before) {
            return Optional.empty();
        }
        return Optional.of(new BerthConfig.Endpoint(String.valueOf(e.get("name")), url, headers, timeout, threshold,
                backoff, mediaTypes, actions, format, Optional.ofNullable(key).map(String::valueOf), disabled));
    }

    private static Duration duration(RawConfig raw, String where, Map<String, Object> e, String key, Duration fallback) {
        Object value = e.get(key);
        if (value == null) {
            return fallback;
        }
        Duration parsed = DurationText.parse(String.valueOf(value));
        if (parsed == null) {
            raw.problem(where + "." + key + ": expected a duration such as 500ms, 1s or 5m, found '" + value + "'");
            return fallback;
        }
        return parsed;
    }

    /** Distribution's headers: a name maps to a list of values; a single value is accepted too. Values never echoed. */
    private static Map<String, List<String>> headers(RawConfig raw, String where, Object value) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        if (value == null) {
            return headers;
        }
        if (!(value instanceof Map<?, ?> map)) {
            raw.problem(where + ".headers: expected header names with lists of values");
            return headers;
        }
        map.forEach((name, values) -> {
            String n = String.valueOf(name);
            if (!n.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+")) {
                raw.problem(where + ".headers: '" + n + "' is not a valid header name");
                return;
            }
            List<String> list = values instanceof List<?> l ? l.stream().map(String::valueOf).toList()
                    : List.of(String.valueOf(values));
            if (list.stream().anyMatch(v -> v.contains("\r") || v.contains("\n"))) {
                raw.problem(where + ".headers." + n + ": a value contains a line break");
                return;
            }
            headers.put(n, list);
        });
        return headers;
    }

    private static List<String> strings(RawConfig raw, String key, Object value) {
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            raw.problem(key + ": expected a list");
            return List.of();
        }
        return list.stream().map(String::valueOf).toList();
    }

    private static Map<String, Object> lowerCase(Map<?, ?> map) {
        Map<String, Object> result = new LinkedHashMap<>();
        map.forEach((k, v) -> result.put(String.valueOf(k).toLowerCase(Locale.ROOT), v));
        return result;
    }
}
