package dev.berth.adminui;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class HostsTest {

    @Test
    void aConfiguredPublicUrlGivesItsHostAndPort() {
        assertThat(Hosts.registry(Optional.of("https://registry.example.com"))).isEqualTo("registry.example.com");
        assertThat(Hosts.registry(Optional.of("https://registry.example.com:8443"))).isEqualTo("registry.example.com:8443");
        assertThat(Hosts.registry(Optional.of("http://[::1]:5000"))).isEqualTo("[::1]:5000");
    }

    @Test
    void withoutOneAndOutsideARequestThePlaceholderIsShown() {
        assertThat(Hosts.registry(Optional.empty())).isEqualTo("REGISTRY");
    }
}
