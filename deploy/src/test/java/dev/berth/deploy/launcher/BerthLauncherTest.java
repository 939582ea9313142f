package dev.berth.deploy.launcher;

import dev.berth.deploy.config.BerthConfig;
import dev.berth.deploy.config.ConfigLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BerthLauncherTest {

    @Test
    void acceptsConfigInEveryForm() {
        assertThat(BerthLauncher.configArgument(new String[0])).isNull();
        assertThat(BerthLauncher.configArgument(new String[]{"--config", "/a.yml"})).isEqualTo("/a.yml");
        assertThat(BerthLauncher.configArgument(new String[]{"--config=/b.yml"})).isEqualTo("/b.yml");
        assertThat(BerthLauncher.configArgument(new String[]{"serve", "/etc/docker/registry/config.yml"}))
                .isEqualTo("/etc/docker/registry/config.yml");
        assertThat(BerthLauncher.configArgument(new String[]{"--help"})).isEqualTo("--help");
    }

    @Test
    void leavesOutWhatPayarasBootLoaderConsumed() {
        assertThat(BerthLauncher.withoutBootOptions(new String[]{"users", "import-htpasswd", "--nested"}))
                .containsExactly("users", "import-htpasswd");
        assertThat(BerthLauncher.withoutBootOptions(new String[]{"-c", "/c.yml", "--unpackdir", "/x", "--rootDir", "/y"}))
                .containsExactly("-c", "/c.yml");
    }

    @Test
    void refusesUnknownArguments() {
        assertThatThrownBy(() -> BerthLauncher.configArgument(new String[]{"--port", "80"}))
                .hasMessageContaining("unknown argument '--port'");
    }

    @Test
    void bindsPayaraToTheConfiguredAddressWithoutClustering(@TempDir Path dir) throws IOException {
        BerthConfig config = ConfigLoader.load(Optional.empty(), Map.of(
                "REGISTRY_HTTP_ADDR", "127.0.0.1:5010",
                "REGISTRY_DATA_DIRECTORY", dir.toString(),
                "REGISTRY_LOG_LEVEL", "debug"));

        Path application = dir.resolve("run/application");
        List<String> args = BerthLauncher.payaraArguments(config, application);

        assertThat(args).containsSequence("--port", "5010").contains("--nohazelcast", "--disablephonehome")
                .as("the unpacked WAR, deployed as it is, at /")
                .containsSequence("--deploy", application.toString(), "--contextroot", "/");
        Path preBoot = Path.of(args.get(args.indexOf("--prebootcommandfile") + 1));
        assertThat(Files.readString(preBoot)).contains("http-listener.address=127.0.0.1")
                .contains("hazelcast-config-specific-configuration.enabled=false")
                .as("Payara's MicroProfile Metrics would own /metrics")
                .contains("microprofile-metrics-configuration.enabled=false");
        Path logging = Path.of(args.get(args.indexOf("--logproperties") + 1));
        assertThat(Files.readString(logging)).contains(".level=WARNING").endsWith("dev.berth.level=FINE\n");
        assertThat(preBoot).startsWith(dir);
    }

    @Test
    void theUsersCommandNeedsAReadableHtpasswdFile(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("htpasswd"), "alice:$2y$05$abc\n");
        assertThat(BerthLauncher.importFile(new String[]{"users", "import-htpasswd", file.toString(), "--config", "x"}))
                .isEqualTo(file);
        assertThatThrownBy(() -> BerthLauncher.importFile(new String[]{"users", "import-htpasswd",
                dir.resolve("missing").toString()})).hasMessageContaining("cannot read");
        assertThatThrownBy(() -> BerthLauncher.importFile(new String[]{"users", "add", "bob"}))
                .hasMessageContaining("users import-htpasswd FILE");
    }
}
