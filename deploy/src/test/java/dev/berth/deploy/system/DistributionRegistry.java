package dev.berth.deploy.system;

import dev.berth.adapters.http.security.BcryptPasswordHasher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Debian's docker-registry (CNCF Distribution 2.8.2), the reference registry, on loopback: started with a config file, stopped by PID. */
final class DistributionRegistry {

    private DistributionRegistry() {
    }

    /**
     * Writes a configuration to {@code file}: filesystem storage under {@code storage}, listening on
     * 127.0.0.1:{@code port}, warnings only; {@code more} (YAML sections such as {@code auth}) appended.
     */
    static Path writeConfig(Path file, Path storage, int port, String more) throws IOException {
        return Files.writeString(file, """
                version: 0.1
                log:
                  level: warn
                storage:
                  filesystem:
                    rootdirectory: %s
                http:
                  addr: 127.0.0.1:%d
                """.formatted(storage, port) + more);
    }

    /**
     * An upstream that asks for basic auth, as the pull-through tests mirror one: {@code directory}/htpasswd
     * with {@code user}'s bcrypt entry, and {@code directory}/upstream.yml ({@link #writeConfig}, storage under
     * {@code directory}/upstream-storage) with an htpasswd {@code auth} section naming it.
     *
     * @return the configuration file, for {@link #start}
     */
    static Path writeBasicAuthConfig(Path directory, int port, String user, String password) throws IOException {
        Path htpasswd = Files.writeString(directory.resolve("htpasswd"),
                user + ":" + new BcryptPasswordHasher(5).hash(password) + "\n");
        return writeConfig(directory.resolve("upstream.yml"), directory.resolve("upstream-storage"), port, """
                auth:
                  htpasswd:
                    realm: upstream
                    path: %s
                """.formatted(htpasswd));
    }

    /**
     * Runs {@code docker-registry serve config}, its output (the access log too) appended to {@code log},
     * and waits until {@code /v2/} on {@code port} answers (200, or 401 when it asks for credentials).
     */
    static Process start(Path config, Path log, int port) throws IOException, InterruptedException {
        Process registry = new ProcessBuilder("docker-registry", "serve", config.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        RegistryClient client = RegistryClient.at("http://127.0.0.1:" + port);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            assertThat(registry.isAlive()).as("docker-registry running").isTrue();
            try {
                int status = client.get("/v2/").statusCode();
                if (status == 200 || status == 401) {
                    return registry;
                }
            } catch (RuntimeException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        stop(registry);
        throw new AssertionError("docker-registry did not answer /v2/ within 30 s");
    }

    /** SIGTERM, then SIGKILL if it does not go within 30 s. */
    static void stop(Process registry) throws InterruptedException {
        registry.destroy();
        if (!registry.waitFor(30, TimeUnit.SECONDS)) {
            registry.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
