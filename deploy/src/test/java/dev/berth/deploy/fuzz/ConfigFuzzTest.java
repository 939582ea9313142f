package dev.berth.deploy.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.berth.deploy.config.ConfigException;
import dev.berth.deploy.config.ConfigLoader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Any config.yml, with a few REGISTRY_* variables: a configuration, or {@link ConfigException}
 * listing what to fix; never a SnakeYAML exception, a ClassCastException or another one that would
 * leave the operator a stack trace instead of a message, never unbounded work (YAML aliases).
 */
class ConfigFuzzTest {

    private static final Path FILE = temporaryFile();
    /** Variables whose values the loader parses itself, as an environment may set them. */
    private static final String[] ENV = {"REGISTRY_HTTP_ADDR", "REGISTRY_HTTP_HOST", "REGISTRY_HTTP_TRUSTEDPROXIES",
            "REGISTRY_STORAGE", "REGISTRY_STORAGE_S3_REGION", "REGISTRY_STORAGE_S3_REGIONENDPOINT", "REGISTRY_AUTH",
            "REGISTRY_AUTH_HTPASSWD_GRANT", "REGISTRY_DATA_DIRECTORY", "REGISTRY_STARTUP_TIMEOUT",
            "REGISTRY_NOTIFICATIONS_RETENTION", "REGISTRY_DATABASE_SECRETS_KEY"};

    @FuzzTest(maxDuration = "10s")
    void loadsOrNamesTheProblems(FuzzedDataProvider data) throws IOException {
        Map<String, String> env = new HashMap<>();
        for (int n = data.consumeInt(0, 2); n > 0; n--) {
            env.put(data.pickValue(ENV), data.consumeString(64));
        }
        Files.write(FILE, data.consumeRemainingAsBytes());
        try {
            ConfigLoader.load(Optional.of(FILE), env);
        } catch (ConfigException refused) {
            if (refused.problems().isEmpty() || refused.problems().stream().anyMatch(String::isBlank)) {
                throw new AssertionError("refused without saying why: " + refused.problems());
            }
        }
    }

    private static Path temporaryFile() {
        try {
            Path file = Files.createTempFile("berth-config-fuzz", ".yml");
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
