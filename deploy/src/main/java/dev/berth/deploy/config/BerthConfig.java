package dev.berth.deploy.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Berth's configuration after file, environment and defaults were merged and validated.
 *
 * @param file             the YAML file read, if any
 * @param warnings         what an operator should fix but what does not stop start-up
 * @param schemaOneEnabled {@code compatibility.schema1.enabled}: schema 1 pushes accepted and images served as
 *                         schema 1 to clients without schema 2 (Docker 1.6 to 1.9); on unless turned off
 */
public record BerthConfig(Optional<Path> file, LogLevel logLevel, HttpAddress http, Path dataDirectory,
                          Storage storage, Database database, int maxPageSize, Auth auth, List<String> warnings, Tls tls,
                          Notifications notifications, Observability observability, Audit audit,
                          Lifecycle lifecycle, PublicUrls publicUrls, Gc gc, Retention retention,
                          boolean schemaOneEnabled, List<Proxy> proxies, List<Setting> settings) {

    public BerthConfig {
        warnings = List.copyOf(warnings);
        proxies = List.copyOf(proxies);
        settings = List.copyOf(settings);
    }

    /**
     * One configuration key as the admin UI's Settings page shows it: its effective text (secrets
     * masked, empty when not set and without a simple default) and its source: {@code file},
     * {@code environment REGISTRY_…} or {@link #DEFAULT}.
     */
    public record Setting(String key, String value, String source) {
        public static final String DEFAULT = "default";
    }

    /**
     * One upstream of the pull-through cache ({@link ProxiesConfig}): Distribution's {@code proxy}
     * (prefix empty: the whole registry) or an entry of Berth's {@code proxies}. The password is never
     * part of {@link #toString()}.
     *
     * @param prefix   the namespace it fills, ending in '/', or empty
     * @param ttl      how long a tag checked upstream is served without asking again
     * @param caBundle PEM certificates of authorities trusted for the upstream's HTTPS besides the JVM's
     * @param maxBytes {@code maxsize}: what its cached images may store before the least recently pulled
     *                 are evicted; 0: no limit
     * @param client   {@code clientcert} and {@code clientkey}: presented to an upstream that asks (mutual TLS)
     */
    public record Proxy(String prefix, URI remoteUrl, Optional<String> username, Optional<String> password,
                        Duration ttl, Optional<Path> caBundle, long maxBytes, Optional<ClientCertificate> client) {

        /** The section of the TLS files, for messages: {@code proxy} or {@code proxies (hub/)}. */
        public String tlsKey() {
            return prefix.isEmpty() ? "proxy" : "proxies (" + prefix + ")";
        }

        @Override
        public String toString() {
            return (prefix.isEmpty() ? "every repository" : prefix + "*") + " from " + remoteUrl
                    + username.map(u -> " as " + u).orElse("") + caBundle.map(b -> ", trusting " + b).orElse("")
                    + client.map(c -> ", presenting " + c.certificate()).orElse("")
                    + ", tags checked after " + ttl.toSeconds() + " s"
                    + (maxBytes > 0 ? ", at most " + maxBytes + " bytes (least recently pulled evicted)" : "");
        }
    }

    /** A client certificate (PEM, the client's first) and its private key (PEM, unencrypted). */
    public record ClientCertificate(Path certificate, Path privateKey) {
    }

    /**
     * Bounds on start and stop, so that a hung JVM says so and a supervisor can restart it.
     *
     * @param startupTimeout  {@code startup.timeout}: not ready within it, berth.jar logs a thread dump and exits
     * @param shutdownTimeout {@code shutdown.timeout}: not stopped within it after SIGTERM, berth.jar halts
     */
    public record Lifecycle(Duration startupTimeout, Duration shutdownTimeout) {
    }

    /**
     * How Berth names itself in the URLs it hands out, and whose X-Forwarded-* headers it believes.
     *
     * @param host           {@code http.host}: the externally reachable base URL, without a trailing slash
     * @param relativeUrls   {@code http.relativeurls}: Location and Link headers as paths
     * @param trustedProxies {@code http.trustedproxies}: IP addresses and CIDR ranges (validated literals)
     */
    public record PublicUrls(Optional<String> host, boolean relativeUrls, List<String> trustedProxies) {

        public PublicUrls {
            trustedProxies = List.copyOf(trustedProxies);
        }
    }

    /**
     * Online garbage collection ({@code gc.*}; deploy/docs/garbage-collection.md).
     *
     * @param enabled        {@code gc.enabled}: whether the background worker runs
     * @param interval       {@code gc.interval}: pause between the end of a run and the next
     * @param reviewAfter    {@code gc.reviewafter}: how long queued content waits before review (may be 0s)
     * @param deleteUntagged {@code gc.deleteuntagged}: delete manifests no tag and no index references
     * @param orphanGrace    {@code gc.orphangrace}: how long content without a blob row stays before it goes
     */
    public record Gc(boolean enabled, Duration interval, Duration reviewAfter, boolean deleteUntagged,
                     Duration orphanGrace) {
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
     * How long audit events are kept: {@code audit.retention} (days) and {@code audit.maxrows}; zero
     * keeps them without that limit.
     */
    public record Audit(Duration retention, long maxRows) {
    }

    /**
     * Retention policies (managed in the admin UI) run once per {@code retention.interval} across all
     * nodes.
     */
    public record Retention(Duration interval) {
    }

    /**
     * Metrics ({@code http.debug.prometheus.*}, Distribution's keys) and logs ({@code log.formatter},
     * {@code log.accesslog.disabled}).
     *
     * @param metricsBearerToken {@code http.debug.prometheus.bearertoken}: when present, the metrics
     *                           need {@code Authorization: Bearer} with it; never part of {@link #toString()}
     */
    public record Observability(boolean metricsEnabled, String metricsPath, boolean jsonLogs, boolean accessLog,
                                Optional<String> metricsBearerToken) {

        /** Metrics without a bearer token. */
        public Observability(boolean metricsEnabled, String metricsPath, boolean jsonLogs, boolean accessLog) {
            this(metricsEnabled, metricsPath, jsonLogs, accessLog, Optional.empty());
        }

        @Override
        public String toString() {
            return "Observability[metricsEnabled=" + metricsEnabled + ", metricsPath=" + metricsPath
                    + ", metricsBearerToken=" + (metricsBearerToken.isPresent() ? "(set)" : "(none)")
                    + ", jsonLogs=" + jsonLogs + ", accessLog=" + accessLog + "]";
        }
    }

    /**
     * The blob storage driver and its settings.
     *
     * @param redirect whether blob GETs answer with a redirect to the driver's direct URL
     *                 ({@code storage.redirect.disable: false}) when the driver can make one
     */
    public record Storage(Driver driver, boolean deleteEnabled, boolean redirect, Maintenance maintenance) {

        public String driverName() {
            return driver.name();
        }
    }

    /**
     * {@code storage.maintenance}, as Distribution's: upload purging and read-only mode.
     *
     * @param readOnly      {@code readonly.enabled}: writes refused, whatever the admin switch says
     * @param purgeUploads  {@code uploadpurging.enabled}
     * @param purgeAge      {@code uploadpurging.age}: uploads untouched this long are removed
     * @param purgeInterval {@code uploadpurging.interval}: how often (one node of the registry) purges
     * @param purgeDryRun   {@code uploadpurging.dryrun}: log what would go, remove nothing
     */
    public record Maintenance(boolean readOnly, boolean purgeUploads, Duration purgeAge, Duration purgeInterval,
                              boolean purgeDryRun) {
    }

    /** One driver's settings; {@link StorageDrivers} reads them from {@code storage.<name>.*}. */
    public sealed interface Driver permits Driver.Filesystem, Driver.InMemory, Driver.S3, Driver.Oss, Driver.Azure,
            Driver.Gcs, Driver.Swift {

        String name();

        /**
         * {@code storage.filesystem}: the default.
         *
         * @param shared the store is group-readable (0750/0640) instead of owner-only (0700/0600)
         */
        record Filesystem(Path rootDirectory, boolean shared) implements Driver {
            @Override
            public String name() {
                return "filesystem";
            }
        }

        /**
         * {@code storage.azure}: block blobs in one container of a storage account, signed with the
         * account key, which is never part of {@link #toString()}.
         */
        record Azure(String accountName, String accountKey, String container, URI serviceUrl, String rootDirectory)
                implements Driver {
            @Override
            public String name() {
                return "azure";
            }

            @Override
            public String toString() {
                return "Azure[accountName=" + accountName + ", container=" + container + ", serviceUrl=" + serviceUrl
                        + ", rootDirectory=" + rootDirectory + "]";
            }
        }

        /**
         * {@code storage.gcs}: objects in one bucket. {@code credentialsJson} is a service-account key
         * from {@code keyfile} or {@code credentials} (never part of {@link #toString()}); empty for
         * Application Default Credentials (or none with an emulator {@code endpoint}).
         */
        record Gcs(String bucket, Optional<String> credentialsJson, Optional<URI> endpoint, String rootDirectory,
                   int chunkSize) implements Driver {
            @Override
            public String name() {
                return "gcs";
            }

            @Override
            public String toString() {
                return "Gcs[bucket=" + bucket + ", credentials=" + (credentialsJson.isPresent() ? "(key)" : "(default)")
                        + ", endpoint=" + endpoint + ", rootDirectory=" + rootDirectory + ", chunkSize=" + chunkSize + "]";
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
         * {@code storage.s3}: AWS S3 or an S3-compatible store. {@code endpoint} empty: AWS's endpoint
         * of {@code region}. No credentials: the AWS SDK's default chain. The secret key is never part
         * of {@link #toString()}.
         */
        record S3(String bucket, String region, Optional<URI> endpoint, boolean pathStyle, Optional<String> accessKey,
                  Optional<String> secretKey, boolean encrypt, Optional<String> keyId, long chunkSize,
                  String rootDirectory, boolean skipVerify, Optional<String> storageClass) implements Driver {
            @Override
            public String name() {
                return "s3";
            }

            @Override
            public String toString() {
                return "s3://" + bucket + "/" + rootDirectory + endpoint.map(e -> " at " + e).orElse(" in " + region);
            }
        }

        /** {@code storage.oss}: Aliyun OSS through its S3-compatible API. The secret is never part of {@link #toString()}. */
        record Oss(String bucket, String region, Optional<String> endpoint, boolean internal, boolean secure,
                   String accessKeyId, String accessKeySecret, boolean encrypt, long chunkSize,
                   String rootDirectory) implements Driver {
            @Override
            public String name() {
                return "oss";
            }

            @Override
            public String toString() {
                return "oss://" + bucket + "/" + rootDirectory + " in " + region;
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

    /**
     * PostgreSQL: external when {@code url} is set, else embedded in {@code embeddedDirectory}.
     * The password is never part of {@link #toString()}.
     */
    /**
     * @param secretsKey     {@code database.secrets.key}: base64 of the 32-byte key that seals the
     *                       secrets kept in the database; when empty, {@code secretsKeyFile} holds it
     * @param secretsKeyFile {@code database.secrets.keyfile}: made at first start when absent
     */
    public record Database(Optional<String> url, String user, String password, int maxPoolSize,
                           Path embeddedDirectory, int embeddedPort, Optional<String> secretsKey, Path secretsKeyFile) {

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
     * Who may do what: {@code htpasswd} (basic auth against the users table: the default), {@code
     * token} (Berth's token endpoint), or {@code open} (everybody everything: only with {@code auth: none}).
     *
     * @param realm            basic auth's realm, or the token realm URL (empty: Berth's own /token)
     * @param htpasswdPath     a file imported into the users table at start
     * @param htpasswdGrants   what users new from the htpasswd file get, e.g. {@code *:pull,push,delete}
     * @param anonymousPull    repository patterns anybody may pull
     * @param rootCertBundle   {@code auth.token.rootcertbundle}: PEM certificates whose keys sign the
     *                         tokens of an external issuer
     * @param jwks             {@code auth.token.jwks} naming a file: a JWK set with more such keys
     * @param jwksUrl          {@code auth.token.jwks} naming an {@code https://} URL: a JWK set fetched from there
     * @param jwksCaBundle     {@code auth.token.jwkscabundle}: PEM certificates of authorities trusted,
     *                         besides the JVM's, for the JWKS URL's HTTPS
     */
    public record Auth(String mode, String realm, Optional<Path> htpasswdPath, List<String> htpasswdGrants,
                       String service, String issuer, int tokenExpirationSeconds, int bcryptCost,
                       List<String> anonymousPull, int maxUserFailures, int maxAddressFailures,
                       int failureWindowSeconds, Optional<Path> rootCertBundle, Optional<Path> jwks,
                       Optional<URI> jwksUrl, Optional<Path> jwksCaBundle) {

        public static final String OPEN = "open";
        public static final String HTPASSWD = "htpasswd";
        public static final String TOKEN = "token";

        public Auth {
            htpasswdGrants = List.copyOf(htpasswdGrants);
            anonymousPull = List.copyOf(anonymousPull);
        }

        /** Without an external issuer. */
        public Auth(String mode, String realm, Optional<Path> htpasswdPath, List<String> htpasswdGrants,
                    String service, String issuer, int tokenExpirationSeconds, int bcryptCost,
                    List<String> anonymousPull, int maxUserFailures, int maxAddressFailures,
                    int failureWindowSeconds) {
            this(mode, realm, htpasswdPath, htpasswdGrants, service, issuer, tokenExpirationSeconds, bcryptCost,
                    anonymousPull, maxUserFailures, maxAddressFailures, failureWindowSeconds, Optional.empty(),
                    Optional.empty(), Optional.empty(), Optional.empty());
        }

        /** Whether tokens of an external issuer are accepted besides Berth's own. */
        public boolean externalIssuer() {
            return rootCertBundle.isPresent() || jwks.isPresent() || jwksUrl.isPresent();
        }
    }
}
