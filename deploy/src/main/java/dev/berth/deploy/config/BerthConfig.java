package dev.berth.deploy.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Berth's configuration after file, environment and defaults were merged and validated.
 *
 * @param file     the YAML file read, if any
 * @param warnings what an operator should fix but what does not stop start-up
 */
public record BerthConfig(Optional<Path> file, LogLevel logLevel, HttpAddress http, Path dataDirectory,
                          Storage storage, Database database, int maxPageSize, List<String> warnings, Tls tls) {

    public BerthConfig {
        warnings = List.copyOf(warnings);
    }

    /** Where configuration came from, for the start-up log. */
    public String source() {
        return file.map(f -> f.toString() + " + environment").orElse("defaults + environment");
    }

    /**
     * HTTPS on {@code http.addr}: with the operator's PEM files ({@code certificate}, {@code key}), or
     * with certificates Berth manages in {@code directory}. The key passphrase is never part of
     * {@link #toString()}.
     *
     * @param minimumTls {@code tls1.2} or {@code tls1.3}
     */
    public record Tls(Optional<Path> certificate, Optional<Path> key, String keyPassphrase, boolean managed,
                      List<String> hostnames, Path directory, String minimumTls) {

        public Tls {
            hostnames = List.copyOf(hostnames);
        }

        public boolean enabled() {
            return managed || certificate.isPresent();
        }

        @Override
        public String toString() {
            return !enabled() ? "off"
                    : certificate.map(c -> "certificate " + c + ", key " + key.orElseThrow())
                    .orElse("managed by Berth in " + directory) + ", minimum " + minimumTls;
        }
    }

    /** The blob storage driver and its settings. Only the filesystem driver exists so far. */
    public record Storage(String driver, Path rootDirectory, boolean deleteEnabled) {
    }

    /**
     * PostgreSQL: external when {@code url} is set, else embedded in {@code embeddedDirectory}.
     * The password is never part of {@link #toString()}.
     */
    public record Database(Optional<String> url, String user, String password, int maxPoolSize,
                           Path embeddedDirectory, int embeddedPort) {

        public boolean embedded() {
            return url.isEmpty();
        }

        @Override
        public String toString() {
            return embedded()
                    ? "embedded PostgreSQL in " + embeddedDirectory
                    : "external PostgreSQL at " + url.get() + " as " + user;
        }
    }
}
