package dev.berth.deploy.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Distribution's {@code http.addr}: {@code [host]:port}. An empty host listens on every interface;
 * IPv6 literals go in brackets ({@code [::1]:5000}).
 */
public record HttpAddress(String host, int port) {

    private static final Pattern FORM = Pattern.compile("^(?:\\[([0-9a-fA-F:.%]+)]|([^\\[\\]:]*)):(\\d{1,5})$");

    /** @return null when {@code text} is not {@code [host]:port} with a port from 1 to 65535 */
    public static HttpAddress parse(String text) {
        Matcher m = FORM.matcher(text.trim());
        if (!m.matches()) {
            return null;
        }
        int port = Integer.parseInt(m.group(3));
        if (port < 1 || port > 65535) {
            return null;
        }
        String host = m.group(1) != null ? m.group(1) : m.group(2);
        return new HttpAddress(host, port);
    }

    public boolean allInterfaces() {
        return host.isEmpty() || host.equals("0.0.0.0") || host.equals("::");
    }

    /** The address Payara's listener binds: every interface when the host is empty. */
    public String bindAddress() {
        return host.isEmpty() ? "0.0.0.0" : host;
    }

    /** A URL an operator on this machine can open. */
    public String url() {
        String visible = allInterfaces() ? "localhost" : host;
        return "http://" + (visible.contains(":") ? "[" + visible + "]" : visible) + ":" + port;
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
