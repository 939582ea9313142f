package dev.berth.deploy.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The admin UI's upstreams are checked by the configuration's own rules, each problem under its key. */
class ProxyEntriesTest {

    @Test
    void aValidEntryIsTheUpstreamTheFileWouldConfigure() {
        ProxyEntries.Checked checked = ProxyEntries.check(Map.of("prefix", "mirrors/ghcr", "remoteurl",
                "https://ghcr.io/", "username", "bot", "password", "p", "ttl", "90s", "maxsize", "2GiB"), List.of("hub/"));
        assertThat(checked.problems()).isEmpty();
        BerthConfig.Proxy proxy = checked.proxy().orElseThrow();
        assertThat(proxy.prefix()).isEqualTo("mirrors/ghcr/");
        assertThat(proxy.remoteUrl()).hasToString("https://ghcr.io");
        assertThat(proxy.ttl()).isEqualTo(Duration.ofSeconds(90));
        assertThat(proxy.maxBytes()).isEqualTo(2L << 30);
    }

    @Test
    void eachProblemIsUnderItsKeyAndNoneRepeatsThePassword() {
        Map<String, String> problems = ProxyEntries.check(Map.of("prefix", "Hub!", "remoteurl", "ftp://x",
                "password", "secret-42", "ttl", "soon", "maxsize", "lots"), List.of()).problems();
        assertThat(problems).as("every field at once, as a form shows them")
                .containsOnlyKeys("prefix", "remoteurl", "password", "ttl", "maxsize");
        problems = ProxyEntries.check(Map.of("prefix", "hub", "remoteurl", "https://user:pw@x", "password", "secret-42",
                "ttl", "soon", "maxsize", "lots"), List.of()).problems();
        assertThat(problems).containsOnlyKeys("remoteurl", "password", "ttl", "maxsize");
        assertThat(problems.values()).noneMatch(p -> p.contains("secret-42") || p.contains("pw@"));
    }

    @Test
    void aPrefixOverlappingAnotherUpstreamIsRefused() {
        assertThat(ProxyEntries.check(Map.of("prefix", "hub/library", "remoteurl", "https://x"), List.of("hub/"))
                .problems()).containsOnlyKeys("prefix");
        assertThat(ProxyEntries.check(Map.of("prefix", "hub", "remoteurl", "https://x"), List.of("hub/"))
                .problems()).containsOnlyKeys("prefix");
        assertThat(ProxyEntries.check(Map.of("prefix", "hubble", "remoteurl", "https://x"), List.of("hub/"))
                .problems()).isEmpty();
    }

    @Test
    void tlsFilesOnlyWithHttpsAndReadable(@TempDir Path dir) throws Exception {
        Path cert = Files.writeString(dir.resolve("client.pem"), "not a certificate");
        Map<String, String> problems = ProxyEntries.check(Map.of("prefix", "hub", "remoteurl", "http://x",
                "clientcert", cert.toString(), "clientkey", dir.resolve("client.key").toString()), List.of()).problems();
        assertThat(problems).containsKeys("clientcert").hasEntrySatisfying("clientcert",
                p -> assertThat(p).contains("only used with an https:// remoteurl"));
        problems = ProxyEntries.check(Map.of("prefix", "hub", "remoteurl", "https://x", "cabundle",
                dir.resolve("missing.pem").toString()), List.of()).problems();
        assertThat(problems).containsOnlyKeys("cabundle");
    }
}
