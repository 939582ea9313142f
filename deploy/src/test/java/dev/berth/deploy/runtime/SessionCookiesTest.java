package dev.berth.deploy.runtime;

import dev.berth.deploy.config.ConfigLoader;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** When the session cookie must be Secure although Payara itself sees plain HTTP. */
class SessionCookiesTest {

    @Test
    void secureBehindAnHttpsProxyOnly() {
        assertThat(SessionCookies.behindHttpsProxy(ConfigLoader.load(Optional.empty(),
                Map.of("REGISTRY_HTTP_HOST", "https://registry.example.com")))).isTrue();
        assertThat(SessionCookies.behindHttpsProxy(ConfigLoader.load(Optional.empty(),
                Map.of("REGISTRY_HTTP_HOST", "http://registry.example.com")))).isFalse();
        assertThat(SessionCookies.behindHttpsProxy(ConfigLoader.load(Optional.empty(), Map.of()))).isFalse();
    }
}
