package dev.berth.deploy.config;

import java.net.URI;
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
                          Storage storage, Database database, int maxPageSize, List<String> warnings) {

    public BerthConfig {
        warnings = List.copyOf(warnings);
    }

    /** Where configuration came from, for the start-up log. */
    public String source() {
        return file.map(f -> f.toString() + " + environment").orElse("defaults + environment");
    }

    /**
     * The blob storage driver and its settings.
     *
     * @param redirect whether blob GETs answer with a redirect to the driver's direct URL
     *                 ({@code storage.redirect.disable: false}) when the driver can make one
     */
    public record Storage(Driver driver, boolean deleteEnabled, boolean redirect) {

        public String driverName() {
            return driver.name();
        }
    }

    /** One driver's settings; {@link StorageDrivers} reads them from {@code storage.<name>.*}. */
    public sealed interface Driver permits Driver.Filesystem, Driver.InMemory, Driver.Swift {

        String name();

        /** {@code storage.filesystem}: the default. */
        record Filesystem(Path rootDirectory) implements Driver {
            @Override
            public String name() {
                return "filesystem";
            }
        }

        /** {@code storage.inmemory}: for tests and demos; everything is lost when Berth stops. */
        record InMemory() implements Driver {
            @Override
            public String name() {
                return "inmemory";
            }
        }

        /**
         * {@code storage.swift}: OpenStack Swift, with Distribution's option names (see
         * {@link SwiftConfig}); empty strings are unset options. {@link #toString()} leaves out the
         * password and the TempURL key.
         */
        record Swift(URI authUrl, int authVersion, String username, String password, String container,
                     String region, String tenant, String tenantId, String domain, String domainId,
                     String tenantDomain, String tenantDomainId, String trustId, String endpointType,
                     boolean insecureSkipVerify, long chunkSize, String prefix, String secretKey,
                     boolean tempUrlContainerKey) implements Driver {
            @Override
            public String name() {
                return "swift";
            }

            @Override
            public String toString() {
                return "swift container " + container + (prefix.isEmpty() ? "" : "/" + prefix) + " at " + authUrl
                        + " (auth v" + authVersion + ", user " + username + ")";
            }
        }
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
