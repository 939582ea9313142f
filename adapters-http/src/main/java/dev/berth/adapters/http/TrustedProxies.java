package dev.berth.adapters.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The peers ({@code http.trustedproxies}: addresses and CIDR ranges, IPv4 or IPv6) whose
 * X-Forwarded-* headers Berth believes. Only IP literals: a name would make every request wait for DNS.
 */
public final class TrustedProxies {

    /** Nobody: X-Forwarded-* headers are ignored. */
    public static final TrustedProxies NONE = new TrustedProxies(List.of(), List.of());

    private final List<Range> ranges;
    private final List<String> specs;

    private TrustedProxies(List<Range> ranges, List<String> specs) {
        this.ranges = ranges;
        this.specs = specs;
    }

    /** @throws IllegalArgumentException naming the first entry that is no address or range */
    public static TrustedProxies parse(List<String> specs) {
        List<Range> ranges = new ArrayList<>();
        for (String spec : specs) {
            int slash = spec.indexOf('/');
            byte[] network = literal(slash < 0 ? spec : spec.substring(0, slash));
            int prefix = network == null ? -1 : network.length * 8;
            if (network != null && slash >= 0) {
                String bits = spec.substring(slash + 1);
                prefix = bits.matches("\\d{1,3}") ? Integer.parseInt(bits) : -1;
            }
            if (network == null || prefix < 0 || prefix > network.length * 8) {
                throw new IllegalArgumentException("'" + spec + "' is no IP address or CIDR range");
            }
            ranges.add(new Range(network, prefix));
        }
        return new TrustedProxies(List.copyOf(ranges), List.copyOf(specs));
    }

    public boolean trusts(String address) {
        if (ranges.isEmpty() || address == null) {
            return false;
        }
        byte[] bytes = literal(address);
        return bytes != null && ranges.stream().anyMatch(r -> r.contains(bytes));
    }

    boolean isEmpty() {
        return ranges.isEmpty();
    }

    /** The address's bytes if {@code text} is an IPv4 or IPv6 literal (never a DNS lookup), else null. */
    static byte[] literal(String text) {
        String trimmed = text.trim();
        boolean v4 = trimmed.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        boolean v6 = trimmed.contains(":") && trimmed.matches("[0-9A-Fa-f:.]{2,45}");
        if (!v4 && !v6) {
            return null;
        }
        try {
            return InetAddress.getByName(trimmed).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return specs.isEmpty() ? "none" : String.join(", ", specs);
    }

    private record Range(byte[] network, int prefixBits) {
        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int full = prefixBits / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefixBits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (address[full] & mask) == (network[full] & mask);
        }
    }
}
