package dev.berth.deploy.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One entry of the {@code proxies} list checked as the configuration file's would be, for the admin
 * UI's upstreams: the same {@link ProxiesConfig} reads it, beside the upstreams there are already,
 * so that what one accepts the other does. Its problems come back under the entry's keys.
 */
public final class ProxyEntries {

    /** "proxies[3].prefix: ...", "proxies[3] (hub/).cabundle: ..." or "proxies[3] (hub/): ...". */
    private static final Pattern ENTRY_PROBLEM = Pattern.compile("proxies\\[(\\d+)](?: \\([^)]*\\))?(?:\\.(\\w+))?: (.*)",
            Pattern.DOTALL);
    /** Prefixes that overlap: "proxies: prefix hub/x/ lies within hub/ ...". */
    private static final String OVERLAP = "proxies: ";
    /** A stand-in for the other upstreams' URLs: only their prefixes matter here. */
    private static final String SOME_URL = "http://other.invalid";
    private static final String STAND_IN_PREFIX = "stand-in";

    private ProxyEntries() {
    }

    /**
     * @param problems by key ({@code prefix}, {@code remoteurl}, ..., or "" for the entry as a whole)
     * @param proxy    the entry as configured, when there is no problem
     */
    public record Checked(Optional<BerthConfig.Proxy> proxy, Map<String, String> problems) {
    }

    /**
     * @param entry         the entry's keys as in the file ({@code prefix}, {@code remoteurl}, {@code username},
     *                      {@code password}, {@code ttl}, {@code maxsize}, {@code cabundle}, {@code clientcert},
     *                      {@code clientkey}); empty values are left out
     * @param otherPrefixes the prefixes of the other upstreams (ending in '/'), which must not overlap the entry's
     */
    public static Checked check(Map<String, String> entry, List<String> otherPrefixes) {
        Checked checked = checkOnce(entry, otherPrefixes);
        if (checked.problems().containsKey("prefix")) {
            // the file's rules check the other keys only under a valid prefix: check them under a stand-in
            Map<String, String> others = new LinkedHashMap<>(entry);
            others.put("prefix", STAND_IN_PREFIX);
            Map<String, String> problems = new LinkedHashMap<>(checked.problems());
            checkOnce(others, List.of()).problems().forEach(problems::putIfAbsent);
            return new Checked(Optional.empty(), problems);
        }
        return checked;
    }

    private static Checked checkOnce(Map<String, String> entry, List<String> otherPrefixes) {
        List<Object> list = new ArrayList<>();
        for (String other : otherPrefixes) {
            list.add(Map.of("prefix", other, "remoteurl", SOME_URL));
        }
        Map<String, Object> given = new LinkedHashMap<>();
        entry.forEach((key, value) -> {
            if (value != null && !value.isEmpty()) {
                given.put(key, value);
            }
        });
        list.add(given);
        int index = otherPrefixes.size();
        RawConfig raw = new RawConfig(Map.of("proxies", list), Map.of());
        List<BerthConfig.Proxy> proxies = ProxiesConfig.read(raw, new ArrayList<>());
        Map<String, String> problems = new LinkedHashMap<>();
        for (String problem : raw.problems()) {
            Matcher m = ENTRY_PROBLEM.matcher(problem);
            if (m.matches() && Integer.parseInt(m.group(1)) == index) {
                problems.putIfAbsent(m.group(2) == null ? "" : m.group(2), m.group(3));
            } else if (problem.startsWith(OVERLAP)) {
                problems.putIfAbsent("prefix", problem.substring(OVERLAP.length()));
            }
        }
        Optional<BerthConfig.Proxy> proxy = problems.isEmpty() && proxies.size() == index + 1
                ? Optional.of(proxies.getLast()) : Optional.empty();
        if (problems.isEmpty() && proxy.isEmpty()) {
            problems.put("", "not a valid upstream");
        }
        return new Checked(proxy, problems);
    }
}
