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
                          Storage storage, Database database, int maxPageSize, Auth auth, List<String> warnings) {

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
    public sealed interface Driver permits Driver.Filesystem, Driver.InMemory {

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

    /**
     * Who may do what: {@code open} (everybody everything), {@code htpasswd} (basic auth against
     * the users table), or {@code token} (Berth's token endpoint).
     *
     * @param realm            basic auth's realm, or the token realm URL (empty: Berth's own /token)
     * @param htpasswdPath     a file imported into the users table at start
     * @param htpasswdGrants   what users new from the htpasswd file get, e.g. {@code *:pull,push,delete}
     * @param anonymousPull    repository patterns anybody may pull
     */
    public record Auth(String mode, String realm, Optional<Path> htpasswdPath, List<String> htpasswdGrants,
                       String service, String issuer, int tokenExpirationSeconds, int bcryptCost,
                       List<String> anonymousPull, int maxUserFailures, int maxAddressFailures,
                       int failureWindowSeconds) {

        public static final String OPEN = "open";
        public static final String HTPASSWD = "htpasswd";
        public static final String TOKEN = "token";

        public Auth {
            htpasswdGrants = List.copyOf(htpasswdGrants);
            anonymousPull = List.copyOf(anonymousPull);
        }
    }
}
