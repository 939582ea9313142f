package dev.berth.adapters.http;

import jakarta.servlet.http.HttpServletRequest;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Whose X-Forwarded-* headers count, and the URLs that come out. */
class ForwardedRequestTest {

    private static final Map<String, String> FORGED = Map.of("Host", "127.0.0.1:5000",
            "X-Forwarded-Host", "evil.example", "X-Forwarded-Proto", "https", "X-Forwarded-For", "198.51.100.7");
    private static final PublicUrls BEHIND_PROXY = new PublicUrls(Optional.empty(), false,
            TrustedProxies.parse(List.of("10.0.0.0/8", "fd00::/8")));

    @Test
    void anUntrustedPeersForwardedHeadersAreIgnoredEverywhere() {
        HttpServletRequest request = ForwardedRequest.of(request("192.0.2.1", FORGED), BEHIND_PROXY);

        assertThat(Urls.location(request, "/v2/a/blobs/uploads/1")).isEqualTo("http://127.0.0.1:5000/v2/a/blobs/uploads/1");
        assertThat(Urls.absolute(request, "/token")).as("the token realm").isEqualTo("http://127.0.0.1:5000/token");
        assertThat(request.getRemoteAddr()).isEqualTo("192.0.2.1");
        assertThat(request.isSecure()).isFalse();
        // nobody is trusted by default
        HttpServletRequest direct = ForwardedRequest.of(request("10.1.2.3", FORGED), PublicUrls.DIRECT);
        assertThat(Urls.location(direct, "/x")).isEqualTo("http://127.0.0.1:5000/x");
        assertThat(direct.getRemoteAddr()).isEqualTo("10.1.2.3");
    }

    @Test
    void aTrustedProxyTellsTheClientsSchemeHostAndAddress() {
        Map<String, String> headers = new HashMap<>(FORGED);
        headers.put("X-Forwarded-Host", "registry.example.com");
        headers.put("X-Forwarded-For", "203.0.113.5, 10.0.0.7");
        HttpServletRequest request = ForwardedRequest.of(request("10.0.0.9", headers), BEHIND_PROXY);

        assertThat(Urls.location(request, "/v2/a/manifests/x")).isEqualTo("https://registry.example.com/v2/a/manifests/x");
        assertThat(request.isSecure()).isTrue();
        assertThat(request.getRemoteAddr()).as("past the trusted hops").isEqualTo("203.0.113.5");
        assertThat(ForwardedRequest.of(request("fd00::1", headers), BEHIND_PROXY).getRemoteAddr()).isEqualTo("203.0.113.5");
    }

    @Test
    void theClientIsTheNearestHopNoTrustedProxyAdded() {
        TrustedProxies trusted = TrustedProxies.parse(List.of("10.0.0.0/8"));
        // the client wrote 1.1.1.1 itself; the proxy appended the address it saw
        assertThat(ForwardedRequest.client(headers("1.1.1.1, 198.51.100.7"), trusted)).isEqualTo("198.51.100.7");
        assertThat(ForwardedRequest.client(headers("198.51.100.7", "10.0.0.2"), trusted)).isEqualTo("198.51.100.7");
        assertThat(ForwardedRequest.client(headers("10.0.0.3, 10.0.0.2"), trusted)).as("all trusted: the farthest").isEqualTo("10.0.0.3");
        assertThat(ForwardedRequest.client(headers("not-an-address"), trusted)).isNull();
        assertThat(ForwardedRequest.client(headers("evil, 10.0.0.3"), trusted)).isEqualTo("10.0.0.3");
        assertThat(ForwardedRequest.client(null, trusted)).isNull();
    }

    @Test
    void aConfiguredHostWinsOverEveryHeaderAndRelativeUrlsArePaths() {
        HttpServletRequest request = request("10.0.0.9", FORGED);
        PublicUrls pinned = new PublicUrls(Optional.of("https://registry.example.com"), false,
                TrustedProxies.parse(List.of("10.0.0.0/8")));
        assertThat(Urls.location(ForwardedRequest.of(request, pinned), "/v2/x")).isEqualTo("https://registry.example.com/v2/x");

        PublicUrls relative = new PublicUrls(Optional.empty(), true, TrustedProxies.NONE);
        HttpServletRequest plain = ForwardedRequest.of(request("192.0.2.1", FORGED), relative);
        assertThat(Urls.location(plain, "/v2/x/tags/list?n=1&last=a")).isEqualTo("/v2/x/tags/list?n=1&last=a");
        assertThat(Urls.absolute(plain, "/token")).as("a realm stays absolute").isEqualTo("http://127.0.0.1:5000/token");
    }

    @Test
    void aForwardedHostThatIsNoHostIsIgnored() {
        Map<String, String> headers = new HashMap<>(FORGED);
        headers.put("X-Forwarded-Host", "evil.example/\r\nSet-Cookie: x");
        headers.put("X-Forwarded-Proto", "javascript");
        HttpServletRequest request = ForwardedRequest.of(request("10.0.0.9", headers), BEHIND_PROXY);
        assertThat(Urls.location(request, "/x")).isEqualTo("http://127.0.0.1:5000/x");
    }

    @Test
    void trustedProxiesAreAddressesAndRangesNeverNames() {
        TrustedProxies trusted = TrustedProxies.parse(List.of("192.168.1.0/25", "2001:db8::/32", "127.0.0.1"));
        assertThat(trusted.trusts("192.168.1.127")).isTrue();
        assertThat(trusted.trusts("192.168.1.128")).isFalse();
        assertThat(trusted.trusts("2001:db8:0:0:0:0:0:1")).isTrue();
        assertThat(trusted.trusts("2001:db9::1")).isFalse();
        assertThat(trusted.trusts("127.0.0.1")).isTrue();
        assertThat(trusted.trusts("127.0.0.2")).isFalse();
        assertThat(trusted.trusts("localhost")).as("no DNS").isFalse();
        for (String bad : List.of("localhost", "10.0.0.0/33", "fd00::/129", "10.0.0.0/x", "300.1.1.1", "")) {
            assertThatThrownBy(() -> TrustedProxies.parse(List.of(bad))).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    private static java.util.Enumeration<String> headers(String... values) {
        return Collections.enumeration(List.of(values));
    }

    /** A request as Payara hands it over: plain HTTP on port 5000 from {@code peer}. */
    private static HttpServletRequest request(String peer, Map<String, String> headers) {
        Map<String, Object> attributes = new HashMap<>();
        return (HttpServletRequest) Proxy.newProxyInstance(ForwardedRequestTest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getRemoteAddr", "getRemoteHost" -> peer;
                    case "getScheme" -> "http";
                    case "isSecure" -> false;
                    case "getServerName" -> "127.0.0.1";
                    case "getServerPort" -> 5000;
                    case "getContextPath" -> "";
                    case "getHeader" -> headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase((String) args[0]))
                            .map(Map.Entry::getValue).findFirst().orElse(null);
                    case "getHeaders" -> Collections.enumeration(headers.entrySet().stream()
                            .filter(e -> e.getKey().equalsIgnoreCase((String) args[0])).map(Map.Entry::getValue).toList());
                    case "setAttribute" -> attributes.put((String) args[0], args[1]);
                    case "getAttribute" -> attributes.get((String) args[0]);
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
