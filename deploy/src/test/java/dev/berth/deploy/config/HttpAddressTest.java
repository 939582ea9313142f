package dev.berth.deploy.config;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class HttpAddressTest {

    @ParameterizedTest
    @CsvSource({
            ":5000, '', 5000, 0.0.0.0, http://localhost:5000",
            "127.0.0.1:5010, 127.0.0.1, 5010, 127.0.0.1, http://127.0.0.1:5010",
            "[::1]:443, ::1, 443, ::1, http://[::1]:443",
            "registry.example:8080, registry.example, 8080, registry.example, http://registry.example:8080"})
    void parsesDistributionAddresses(String text, String host, int port, String bind, String url) {
        HttpAddress address = HttpAddress.parse(text);
        assertThat(address).isEqualTo(new HttpAddress(host, port));
        assertThat(address.bindAddress()).isEqualTo(bind);
        assertThat(address.url()).isEqualTo(url);
        assertThat(HttpAddress.parse(address.toString())).isEqualTo(address);
    }

    @ParameterizedTest
    @ValueSource(strings = {"5000", "localhost", ":0", ":65536", "::1:5000", "host:port", "[::1]", "a:b:5000", ""})
    void rejectsWhatIsNotHostColonPort(String text) {
        assertThat(HttpAddress.parse(text)).isNull();
    }
}
