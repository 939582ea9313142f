package dev.berth.deploy.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Optional;

/**
 * Berth's configuration after file, environment and defaults were merged and validated.
 *
 * @param file     the YAML file read, if any
 * @param warnings what an operator should fix but what does not stop start-up
 */
public record BerthConfig(Optional<Path> file, LogLevel logLevel, HttpAddress http, Path dataDirectory,
                          Storage storage, Database database, int maxPageSize, List<String> warnings,
                          Notifications notifications, Observability observability) {

    public BerthConfig {
        warnings = List.copyOf(warnings);
    }

    /** Where configuration came from, for the start-up log. */
    public String source() {
        return file.map(f -> f.toString() + " + environment").orElse("defaults + environment");
    }

    /** Webhook endpoints from {@code notifications.endpoints}, and how long delivered events are kept. */
    public record Notifications(List<Endpoint> endpoints, Duration retention) {

        public Notifications {
            endpoints = List.copyOf(endpoints);
        }
    }

    /**
     * One validated endpoint, in Distribution's terms ({@code format}: v1 or v2; {@code ignoredActions}:
     * push, pull, delete, mount). The launcher reads the configuration before the application's
     * classes exist, hence plain types here. Header values and the signing key are never printed.
     */
    public record Endpoint(String name, URI url, Map<String, List<String>> headers, Duration timeout, int threshold,
                           Duration backoff, Set<String> ignoredMediaTypes, Set<String> ignoredActions, String format,
                           Optional<String> signingKey, boolean disabled) {

        @Override
        public String toString() {
            return name + " (" + url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort())
                    + url.getPath() + ", " + format + (disabled ? ", disabled" : "") + ")";
        }
    }

    /**
     * Metrics ({@code http.debug.prometheus.*}, Distribution's keys) and logs ({@code log.formatter},
     * {@code log.accesslog.disabled}).
     */
    public record Observability(boolean metricsEnabled, String metricsPath, boolean jsonLogs, boolean accessLog) {
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
