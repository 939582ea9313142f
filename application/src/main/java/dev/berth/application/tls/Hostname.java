package dev.berth.application.tls;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A name a certificate is for: a DNS name (optionally a {@code *.} wildcard) or an IP address
 * literal (IPv4 dotted quad, IPv6 with or without brackets).
 */
public record Hostname(String value, boolean ipAddress) {

    private static final Pattern DNS = Pattern.compile(
            "(\\*\\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");
    private static final Pattern IPV4 = Pattern.compile(
            "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-f:]{2,39}");

    public static Hostname parse(String text) {
        String name = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (name.startsWith("[") && name.endsWith("]")) {
            name = name.substring(1, name.length() - 1);
        }
        if (IPV4.matcher(name).matches()) {
            return new Hostname(name, true);
        }
        if (name.contains(":") && IPV6.matcher(name).matches()) {
            return new Hostname(ipv6(name, text), true);
        }
        if (name.length() <= 253 && DNS.matcher(name).matches()) {
            return new Hostname(name, false);
        }
        throw new CertificateRejectedException("'" + text + "' is neither a DNS name nor an IP address");
    }

    /**
     * The form the JDK prints in certificates (eight groups, no leading zeros: {@code 0:0:0:0:0:0:0:1}
     * for {@code ::1}), so that configured and certified addresses compare equal.
     */
    private static String ipv6(String name, String text) {
        String[] halves = name.split("::", -1);
        if (halves.length > 2 || name.contains(".")) {
            throw new CertificateRejectedException("'" + text + "' is not an IPv6 address Berth understands");
        }
        List<String> head = groups(halves[0], text);
        List<String> tail = halves.length == 2 ? groups(halves[1], text) : List.of();
        int missing = 8 - head.size() - tail.size();
        if (missing < 0 || (halves.length == 1 && missing != 0) || (halves.length == 2 && missing < 1)) {
            throw new CertificateRejectedException("'" + text + "' is not an IPv6 address");
        }
        List<String> all = new ArrayList<>(head);
        for (int i = 0; i < missing; i++) {
            all.add("0");
        }
        all.addAll(tail);
        return String.join(":", all);
    }

    private static List<String> groups(String part, String text) {
        if (part.isEmpty()) {
            return List.of();
        }
        List<String> groups = new ArrayList<>();
        for (String group : part.split(":", -1)) {
            if (!group.matches("[0-9a-f]{1,4}")) {
                throw new CertificateRejectedException("'" + text + "' is not an IPv6 address");
            }
            groups.add(Integer.toHexString(Integer.parseInt(group, 16)));
        }
        return groups;
    }

    @Override
    public String toString() {
        return value;
    }
}
