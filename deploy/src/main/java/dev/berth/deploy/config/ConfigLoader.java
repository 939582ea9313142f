package dev.berth.deploy.config;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads Berth's configuration: a YAML file in the shape of Distribution's config.yml (optional),
 * environment variables that override its keys, and defaults that run a registry on :5000 with
 * everything under one data directory.
 */
public final class ConfigLoader {

    /** Selects the file, as Distribution does; {@code --config FILE} wins over it. */
    public static final String PATH_ENV = "REGISTRY_CONFIGURATION_PATH";
    /** How the launcher hands {@code --config FILE} to the application. */
    public static final String PATH_PROPERTY = "berth.config";

    private static final String SUPPORTED_VERSION = "0.1";
    /** storage.* children that configure the storage in general rather than choose a driver. */
    private static final Set<String> STORAGE_OPTIONS = Set.of("delete", "maintenance", "cache", "redirect", "tag");
    /** Distribution sections Berth knows but does not implement yet: a warning, not an error. */
    private static final List<String> NOT_YET_SUPPORTED = List.of(
            "log.fields", "log.hooks", "log.reportcaller", "loglevel",
            "storage.cache", "storage.tag",
            "http.prefix", "http.secret", "http.tls.clientcas", "http.tls.letsencrypt",
            "http.tls.ciphersuites", "http.debug.addr", "http.headers", "http.http2",
            "http.h2c", "http.net", "http.draintimeout",
            "middleware", "reporting", "redis", "health", "validation",
            "compatibility.schema1.signingkeyfile");
    private static final long MAX_FILE_BYTES = 1024 * 1024;
    /** Far beyond any real configuration, far short of what aliases make of a small file ("billion laughs"). */
    private static final int MAX_VALUES = 100_000;
    private static final int MAX_DEPTH = 64;

    private ConfigLoader() {
    }

    /** The file to read: {@code explicit} (from --config), else the system property, else the environment. */
    public static Optional<Path> locate(String explicit, Map<String, String> env) {
        String path = explicit;
        if (path == null || path.isBlank()) {
            path = System.getProperty(PATH_PROPERTY);
        }
        if (path == null || path.isBlank()) {
            path = env.get(PATH_ENV);
        }
        return path == null || path.isBlank() ? Optional.empty() : Optional.of(Path.of(path).toAbsolutePath().normalize());
    }

    public static BerthConfig load(Optional<Path> file, Map<String, String> env) {
        RawConfig raw = new RawConfig(file.map(ConfigLoader::readYaml).orElse(Map.of()), env);

        String version = raw.string("version", SUPPORTED_VERSION);
        if (!version.equals(SUPPORTED_VERSION)) {
            raw.problem("version: expected " + SUPPORTED_VERSION + ", found '" + version + "'");
        }
        LogLevel logLevel = raw.parsed("log.level", LogLevel.INFO, "one of error, warn, info, debug",
                LogLevel::parse, false);
        HttpAddress http = raw.parsed("http.addr", new HttpAddress("", 5000),
                "[host]:port with a port from 1 to 65535, e.g. :5000 or 127.0.0.1:5000", HttpAddress::parse, false);
        Path dataDirectory = raw.path("data.directory", RawConfig.absolutePath("berth-data"));

        BerthConfig.Storage storage = storage(raw, dataDirectory);
        BerthConfig.Database database = database(raw, dataDirectory);
        // Distribution 3's name for the largest catalog page; Berth applies it to tag lists too
        int maxPageSize = raw.integer("catalog.maxentries", 1000, 1, 100_000);
        BerthConfig.Auth auth = auth(raw);

        BerthConfig.Tls tls = tls(raw, dataDirectory);

        List<String> warnings = new ArrayList<>();
        BerthConfig.Notifications notifications = NotificationsConfig.read(raw, warnings);
        BerthConfig.Observability observability = observability(raw);
        BerthConfig.Audit audit = new BerthConfig.Audit(Duration.ofDays(raw.integer("audit.retention", 90, 0, 36_500)),
                raw.integer("audit.maxrows", 1_000_000, 0, 1_000_000_000));
        BerthConfig.Lifecycle lifecycle = new BerthConfig.Lifecycle(
                raw.parsed("startup.timeout", Duration.ofSeconds(180), "seconds, or a duration such as 90s or 5m",
                        ConfigLoader::seconds, false),
                raw.parsed("shutdown.timeout", Duration.ofSeconds(30), "seconds, or a duration such as 90s or 5m",
                        ConfigLoader::seconds, false));
        BerthConfig.PublicUrls publicUrls = publicUrls(raw);
        BerthConfig.Gc gc = gc(raw);
        BerthConfig.Retention retention = new BerthConfig.Retention(raw.parsed("retention.interval",
                Duration.ofHours(24), "a duration such as 30m, 24h", DurationText::parse, false));
        // Distribution 2.8's default is off; Berth promises Docker 1.6+ out of the box (deploy/docs/schema1.md)
        boolean schemaOneEnabled = raw.bool("compatibility.schema1.enabled", true);
        List<BerthConfig.Proxy> proxies = ProxiesConfig.read(raw, warnings);

        if (!raw.problems().isEmpty()) {
            throw new ConfigException(raw.problems());
        }
        for (String key : raw.unreadKeys()) {
            warnings.add(notYetSupported(key)
                    ? key + ": not supported by Berth yet; ignored"
                    : key + ": unknown configuration key; ignored");
        }
        for (String name : raw.unreadEnvironment(Set.of(PATH_ENV, "REGISTRY_STORAGE"))) {
            warnings.add(name + ": environment variable matches no configuration key; ignored");
        }
        return new BerthConfig(file, logLevel, http, dataDirectory, storage, database, maxPageSize, auth, warnings, tls,
                notifications, observability, audit, lifecycle, publicUrls, gc, retention, schemaOneEnabled, proxies,
                raw.settings());
    }

    /** Whole seconds ({@code 180}) or a Go duration ({@code 3m}); null when neither or not positive. */
    private static Duration seconds(String text) {
        if (text.matches("\\d{1,9}")) {
            long seconds = Long.parseLong(text);
            return seconds > 0 ? Duration.ofSeconds(seconds) : null;
        }
        return DurationText.parse(text);
    }

    private static final String DURATION = "a duration such as 30s, 15m or 24h";

    /** gc.*: defaults as GitLab's online collector (a day's delay) and Distribution's (untagged manifests stay). */
    private static BerthConfig.Gc gc(RawConfig raw) {
        return new BerthConfig.Gc(raw.bool("gc.enabled", true),
                raw.parsed("gc.interval", Duration.ofMinutes(5), DURATION, DurationText::parse, false),
                raw.parsed("gc.reviewafter", Duration.ofHours(24), DURATION + ", or 0s", ConfigLoader::delay, false),
                raw.bool("gc.deleteuntagged", false),
                raw.parsed("gc.orphangrace", Duration.ofHours(1), DURATION + ", or 0s", ConfigLoader::delay, false));
    }

    /** A Go duration, or zero. */
    static Duration delay(String text) {
        return text.trim().matches("0+(\\.0+)?(ns|us|µs|ms|s|m|h)?") ? Duration.ZERO : DurationText.parse(text);
    }

    /** auth.* sections: Distribution's providers and Berth's own settings. */
    private static final Set<String> AUTH_SECTIONS = Set.of("htpasswd", "token", "bcrypt", "anonymous", "throttle");
    private static final String PATTERN = "[a-z0-9._/*-]+";
    private static final String GRANT = PATTERN + ":(pull|push|delete|\\*)(,(pull|push|delete|\\*))*";

    private static BerthConfig.Auth auth(RawConfig raw) {
        // as Distribution: a provider section in the file, or REGISTRY_AUTH=htpasswd|token
        Set<String> sections = raw.children("auth");
        Optional<String> chosen = raw.string("auth");
        chosen.filter(c -> !List.of("htpasswd", "token", "none").contains(c)).ifPresent(c ->
                raw.problem("auth: expected htpasswd, token or none, found '" + c + "'"));
        sections.stream().filter(p -> !AUTH_SECTIONS.contains(p)).forEach(p ->
                raw.problem("auth." + p + ": authentication provider not available in Berth (available: htpasswd, token)"));
        boolean htpasswd = sections.contains("htpasswd") || chosen.filter("htpasswd"::equals).isPresent()
                || raw.string("auth.htpasswd.path").isPresent() || raw.string("auth.htpasswd.realm").isPresent();
        boolean token = sections.contains("token") || chosen.filter("token"::equals).isPresent()
                || raw.string("auth.token.realm").isPresent() || raw.string("auth.token.service").isPresent();
        // secure by default: without a provider, basic auth against Berth's own users (the initial
        // admin first); only "auth: none" (REGISTRY_AUTH=none) opens the registry to everybody
        boolean none = chosen.filter("none"::equals).isPresent();
        String mode = token ? BerthConfig.Auth.TOKEN : htpasswd ? BerthConfig.Auth.HTPASSWD
                : none ? BerthConfig.Auth.OPEN : BerthConfig.Auth.HTPASSWD;
        if (htpasswd && token) {
            raw.problem("auth: configure either auth.htpasswd or auth.token, not both");
        }
        if (none && (htpasswd || token)) {
            raw.problem("auth: 'none' turns access control off, yet auth." + (token ? "token" : "htpasswd")
                    + " is configured: remove one of them");
        }
        sections.forEach(p -> raw.markRead("auth." + p));
        String realm = token ? raw.string("auth.token.realm", "") : raw.string("auth.htpasswd.realm", "Berth");
        if (realm.contains("\"")) {
            raw.problem("auth realm: must not contain a double quote");
        }
        Optional<Path> htpasswdPath = raw.path("auth.htpasswd.path");
        List<String> grants = words(raw, "auth.htpasswd.grant", "*:pull,push,delete", GRANT,
                "grants such as '*:pull,push' or 'team-a/*:pull', separated by spaces");
        String service = raw.string("auth.token.service", "berth");
        String issuer = raw.string("auth.token.issuer", "berth");
        int expiration = raw.integer("auth.token.expiration", 300, 30, 86_400);
        int cost = raw.integer("auth.bcrypt.cost", 10, 4, 31);
        List<String> anonymous = words(raw, "auth.anonymous.pull", "", PATTERN,
                "repository patterns such as 'public/*', separated by spaces or commas");
        int userFailures = raw.integer("auth.throttle.userfailures", 5, 1, 1_000_000);
        int addressFailures = raw.integer("auth.throttle.addressfailures", 50, 1, 1_000_000);
        int window = raw.integer("auth.throttle.window", 300, 1, 86_400);
        Optional<Path> bundle = raw.path("auth.token.rootcertbundle");
        // auth.token.jwks: a file, as in Distribution 3, or the URL an issuer publishes its keys at
        Optional<String> jwksText = raw.string("auth.token.jwks");
        boolean jwksIsUrl = jwksText.filter(t -> t.matches("(?i)[a-z][a-z0-9+.-]*://.*")).isPresent();
        Optional<Path> jwks = jwksIsUrl ? Optional.empty() : raw.path("auth.token.jwks");
        Optional<URI> jwksUrl = jwksIsUrl ? jwksUrl(raw, jwksText.get()) : Optional.empty();
        Optional<Path> jwksCaBundle = raw.path("auth.token.jwkscabundle");
        if (bundle.isPresent() || jwksText.isPresent()) {
            externalIssuer(raw, token, bundle, jwks);
        }
        jwksCaBundle.ifPresent(file -> {
            if (!jwksIsUrl) {
                raw.problem("auth.token.jwkscabundle: only used with an https:// URL in auth.token.jwks");
            }
            pemCertificates(raw, "auth.token.jwkscabundle", file);
        });
        return new BerthConfig.Auth(mode, realm, htpasswdPath, grants, service, issuer, expiration, cost, anonymous,
                userFailures, addressFailures, window, bundle, jwks, jwksUrl, jwksCaBundle);
    }

    /** An https:// URL; plain http:// only on a loopback address (tests), where nobody can tamper with the keys. */
    private static Optional<URI> jwksUrl(RawConfig raw, String text) {
        try {
            URI url = new URI(text.trim());
            String scheme = url.getScheme().toLowerCase(java.util.Locale.ROOT);
            if (url.getHost() != null && url.getRawUserInfo() == null
                    && (scheme.equals("https") || (scheme.equals("http") && loopback(url.getHost())))) {
                return Optional.of(url);
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        raw.problem("auth.token.jwks: expected a file or an https:// URL (plain http:// only on a loopback"
                + " address: the keys decide whose tokens Berth accepts; no credentials in it), found '"
                + text.replaceAll("//[^/]*@", "//***@") + "'");
        return Optional.empty();
    }

    /** An IP literal on loopback, or {@code localhost}: never a DNS lookup of another name. */
    private static boolean loopback(String host) {
        String literal = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (literal.equalsIgnoreCase("localhost")) {
            return true;
        }
        try {
            return literal.matches("[0-9.]+|[0-9a-fA-F:]*:[0-9a-fA-F:.]*")
                    && java.net.InetAddress.getByName(literal).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    /**
     * Tokens of an external issuer (Distribution's auth.token.rootcertbundle, Distribution 3's
     * auth.token.jwks): the clients must be sent to that issuer's realm, and its name must be
     * given; the keys themselves are read when Berth starts (a JWKS URL is fetched then, in the background).
     */
    private static void externalIssuer(RawConfig raw, boolean token, Optional<Path> bundle, Optional<Path> jwks) {
        String keys = bundle.isPresent() ? "auth.token.rootcertbundle" : "auth.token.jwks";
        if (!token) {
            raw.problem(keys + ": only used with token authentication (auth.token)");
        }
        if (raw.string("auth.token.realm").isEmpty()) {
            raw.problem("auth.token.realm: required with " + keys + ": the URL of the external token server");
        }
        if (raw.string("auth.token.issuer").isEmpty()) {
            raw.problem("auth.token.issuer: required with " + keys + ": the iss of the external issuer's tokens");
        }
        bundle.ifPresent(file -> pemCertificates(raw, "auth.token.rootcertbundle", file));
        jwks.filter(f -> !Files.isReadable(f)).ifPresent(f ->
                raw.problem("auth.token.jwks: file " + f + " does not exist or is not readable"));
    }

    /** A readable file of PEM certificates, or a problem naming {@code key}. */
    static void pemCertificates(RawConfig raw, String key, Path file) {
        if (!Files.isReadable(file)) {
            raw.problem(key + ": file " + file + " does not exist or is not readable");
            return;
        }
        try (var in = Files.newInputStream(file)) {
            if (java.security.cert.CertificateFactory.getInstance("X.509").generateCertificates(in).isEmpty()) {
                raw.problem(key + ": " + file + " holds no PEM certificate");
            }
        } catch (IOException | java.security.GeneralSecurityException e) {
            raw.problem(key + ": " + file + " cannot be read as PEM certificates: " + e.getMessage());
        }
    }

    /** A list written as one value, separated by spaces or commas (or semicolons, for grants). */
    private static List<String> words(RawConfig raw, String key, String defaultValue, String each, String expected) {
        String separators = key.endsWith("grant") ? "[\\s;]+" : "[\\s,]+";
        List<String> words = raw.parsed(key, List.of(defaultValue.split(separators)), expected, text -> {
            List<String> parts = List.of(text.trim().split(separators));
            return parts.stream().allMatch(p -> p.matches(each)) ? parts : null;
        }, false);
        return words.stream().filter(w -> !w.isEmpty()).toList();
    }

    /**
     * The storage driver another registry's configuration file names (import-registry reads a
     * registry:2 {@code config.yml} so): its {@code storage} section only, without the environment.
     */
    public static BerthConfig.Driver storageDriverOf(Path file) {
        RawConfig raw = new RawConfig(readYaml(file), Map.of());
        BerthConfig.Driver driver = driver(raw, RawConfig.absolutePath("berth-data"));
        if (!raw.problems().isEmpty()) {
            throw new ConfigException(raw.problems());
        }
        return driver;
    }

    private static BerthConfig.Driver driver(RawConfig raw, Path dataDirectory) {
        List<String> drivers = raw.children("storage").stream().filter(c -> !STORAGE_OPTIONS.contains(c)).toList();
        String driver = raw.string("storage").orElse(drivers.isEmpty() ? "filesystem" : drivers.getFirst());
        if (drivers.size() > 1) {
            raw.problem("storage: configure exactly one driver, found " + String.join(", ", drivers));
        }
        return StorageDrivers.read(driver, raw, dataDirectory);
    }

    private static BerthConfig.Storage storage(RawConfig raw, Path dataDirectory) {
        BerthConfig.Driver settings = driver(raw, dataDirectory);
        boolean deleteEnabled = raw.bool("storage.delete.enabled", false);
        // as Distribution: redirects are on unless disabled, and only drivers with direct URLs redirect
        boolean redirect = !raw.bool("storage.redirect.disable", false);
        return new BerthConfig.Storage(settings, deleteEnabled, redirect, maintenance(raw));
    }

    /** Distribution's storage.maintenance; {@code readonly: true} is taken for {@code readonly: {enabled: true}}. */
    private static BerthConfig.Maintenance maintenance(RawConfig raw) {
        boolean readOnly = raw.string("storage.maintenance.readonly").isPresent()
                ? raw.bool("storage.maintenance.readonly", false)
                : raw.bool("storage.maintenance.readonly.enabled", false);
        String duration = "a duration such as 168h, 30m or 90s";
        return new BerthConfig.Maintenance(readOnly,
                raw.bool("storage.maintenance.uploadpurging.enabled", true),
                raw.parsed("storage.maintenance.uploadpurging.age", Duration.ofHours(168), duration,
                        DurationText::parse, false),
                raw.parsed("storage.maintenance.uploadpurging.interval", Duration.ofHours(24), duration,
                        DurationText::parse, false),
                raw.bool("storage.maintenance.uploadpurging.dryrun", false));
    }

    private static BerthConfig.Database database(RawConfig raw, Path dataDirectory) {
        Optional<String> url = raw.string("database.url");
        url.filter(u -> !u.startsWith("jdbc:postgresql:")).ifPresent(u ->
                raw.problem("database.url: expected a PostgreSQL JDBC URL (jdbc:postgresql://host:port/database), found '"
                        + u + "'"));
        String user = raw.string("database.user", "postgres");
        String password = raw.string("database.password", "");
        int maxPoolSize = raw.integer("database.pool.maxsize", 16, 1, 1000);
        Path embeddedDirectory = raw.path("database.embedded.directory", dataDirectory.resolve("postgres"));
        int embeddedPort = raw.integer("database.embedded.port", 0, 0, 65535);
        Optional<String> secretsKey = Optional.ofNullable(raw.parsed("database.secrets.key", null,
                "base64 of 32 random bytes (openssl rand -base64 32)", ConfigLoader::secretsKey, true));
        Path secretsKeyFile = raw.path("database.secrets.keyfile", dataDirectory.resolve("secrets.key"));
        return new BerthConfig.Database(url, user, password, maxPoolSize, embeddedDirectory, embeddedPort, secretsKey,
                secretsKeyFile);
    }

    private static String secretsKey(String text) {
        try {
            return java.util.Base64.getDecoder().decode(text.strip()).length == 32 ? text.strip() : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static BerthConfig.Tls tls(RawConfig raw, Path dataDirectory) {
        Optional<Path> certificate = raw.path("http.tls.certificate");
        Optional<Path> key = raw.path("http.tls.key");
        String keyPassphrase = raw.string("http.tls.keypassphrase", "");
        boolean managed = raw.bool("http.tls.managed", false);
        // each name is checked when the certificate is made, before Payara boots
        List<String> hostnames = raw.list("http.tls.hostnames");
        Path directory = raw.path("http.tls.directory", dataDirectory.resolve("tls"));
        String minimum = raw.parsed("http.tls.minimumtls", "tls1.2",
                "tls1.2 or tls1.3 (Berth never offers TLS 1.0 or 1.1)",
                text -> switch (text.toLowerCase(java.util.Locale.ROOT)) {
                    case "tls1.2", "tls1.3" -> text.toLowerCase(java.util.Locale.ROOT);
                    default -> null;
                }, false);
        if (certificate.isPresent() != key.isPresent()) {
            raw.problem(certificate.isPresent()
                    ? "http.tls.key: required with http.tls.certificate (the certificate's private key, PEM)"
                    : "http.tls.certificate: required with http.tls.key (the PEM certificate chain, server certificate first)");
        }
        if (certificate.isPresent() && managed) {
            raw.problem("http.tls.managed: cannot be true together with http.tls.certificate: choose your own"
                    + " certificate or Berth's managed one");
        }
        for (var file : List.of(Map.entry("http.tls.certificate", certificate), Map.entry("http.tls.key", key))) {
            file.getValue().filter(f -> !Files.isReadable(f)).ifPresent(f ->
                    raw.problem(file.getKey() + ": file " + f + " does not exist or is not readable"));
        }
        if (!hostnames.isEmpty() && !managed) {
            raw.problem("http.tls.hostnames: only used with http.tls.managed: true");
        }
        return new BerthConfig.Tls(certificate, key, keyPassphrase, managed, hostnames, directory, minimum);
    }

    private static BerthConfig.PublicUrls publicUrls(RawConfig raw) {
        Optional<String> host = Optional.ofNullable(raw.parsed("http.host", null,
                "an absolute http or https URL without path, query or fragment, e.g. https://registry.example.com",
                ConfigLoader::baseUrl, false));
        boolean relative = raw.bool("http.relativeurls", false);
        List<String> proxies = raw.list("http.trustedproxies");
        for (String proxy : proxies) {
            if (!isAddressOrRange(proxy)) {
                raw.problem("http.trustedproxies: '" + proxy + "' is no IP address or CIDR range (such as 10.0.0.5,"
                        + " 10.0.0.0/8 or fd00::/8; names are not resolved)");
            }
        }
        return new BerthConfig.PublicUrls(host, relative, proxies);
    }

    private static String baseUrl(String text) {
        try {
            URI uri = new URI(text);
            boolean web = "http".equals(uri.getScheme()) || "https".equals(uri.getScheme());
            String path = uri.getRawPath() == null ? "" : uri.getRawPath();
            return web && uri.getHost() != null && uri.getRawQuery() == null && uri.getRawFragment() == null
                    && uri.getRawUserInfo() == null && (path.isEmpty() || path.equals("/"))
                    ? uri.getScheme() + "://" + uri.getRawAuthority() : null;
        } catch (URISyntaxException e) {
            return null;
        }
    }

    /** An IPv4 or IPv6 literal with an optional /prefix; never a name (a name would mean DNS per request). */
    static boolean isAddressOrRange(String text) {
        int slash = text.indexOf('/');
        String address = slash < 0 ? text : text.substring(0, slash);
        boolean v4 = address.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        if (!v4 && !(address.contains(":") && address.matches("[0-9A-Fa-f:.]{2,45}"))) {
            return false;
        }
        int bits;
        try {
            bits = java.net.InetAddress.getByName(address).getAddress().length * 8;
        } catch (java.net.UnknownHostException e) {
            return false;
        }
        return slash < 0 || (text.substring(slash + 1).matches("\\d{1,3}")
                && Integer.parseInt(text.substring(slash + 1)) <= bits);
    }

    private static BerthConfig.Observability observability(RawConfig raw) {
        boolean metrics = raw.bool("http.debug.prometheus.enabled", true);
        String path = raw.parsed("http.debug.prometheus.path", "/metrics", "a path such as /metrics outside /v2, /admin and /health",
                p -> p.matches("/[A-Za-z0-9._~/-]*") && !p.equals("/") && !p.startsWith("/v2") && !p.startsWith("/admin")
                        && !p.startsWith("/health") && !p.startsWith("/debug") ? p : null, false);
        String formatter = raw.parsed("log.formatter", "text", "text or json",
                f -> f.equals("text") || f.equals("json") ? f : null, false);
        boolean accessLog = !raw.bool("log.accesslog.disabled", false);
        // a secret: never echoed in a problem
        Optional<String> bearerToken = raw.string("http.debug.prometheus.bearertoken").flatMap(t -> {
            if (t.length() < 16 || !t.matches("[\\x21-\\x7e]+")) {
                raw.problem("http.debug.prometheus.bearertoken: expected at least 16 printable characters without"
                        + " spaces" + (raw.fromEnvironment("http.debug.prometheus.bearertoken")
                        ? " (from environment variable " + RawConfig.envName("http.debug.prometheus.bearertoken") + ")" : ""));
                return Optional.empty();
            }
            return Optional.of(t);
        });
        if (bearerToken.isPresent() && !metrics) {
            raw.problem("http.debug.prometheus.bearertoken: only used with http.debug.prometheus.enabled: true");
        }
        return new BerthConfig.Observability(metrics, path, formatter.equals("json"), accessLog, bearerToken);
    }

    private static boolean notYetSupported(String key) {
        return NOT_YET_SUPPORTED.stream().anyMatch(p -> key.equals(p) || key.startsWith(p + "."));
    }

    private static Map<String, Object> readYaml(Path file) {
        try {
            if (!Files.isRegularFile(file)) {
                throw new ConfigException(List.of("configuration file " + file + " does not exist or is not a file"));
            }
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new ConfigException(List.of("configuration file " + file + " is larger than 1 MiB"));
            }
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            options.setMaxAliasesForCollections(50);
            try (Reader reader = Files.newBufferedReader(file)) {
                Object tree = new Yaml(new SafeConstructor(options)).load(reader);
                if (tree == null) {
                    return Map.of();
                }
                if (!(tree instanceof Map<?, ?> map)) {
                    throw new ConfigException(List.of("configuration file " + file + ": expected a YAML mapping at the top"));
                }
                tooLarge(tree).ifPresent(problem -> {
                    throw new ConfigException(List.of("configuration file " + file + " " + problem));
                });
                @SuppressWarnings("unchecked")
                Map<String, Object> result = (Map<String, Object>) map;
                return result;
            }
        } catch (IOException e) {
            throw new ConfigException(List.of("configuration file " + file + " cannot be read: " + e.getMessage()));
        } catch (YAMLException | IllegalArgumentException e) {
            // SnakeYAML lets some errors out unwrapped: "!!binary =AEC" (not base64) throws IllegalArgumentException
            throw new ConfigException(List.of("configuration file " + file + " is not valid YAML: " + e.getMessage()));
        }
    }

    /**
     * Why the YAML tree is too large or too deep to read, if it is. SnakeYAML bounds the aliases in
     * the file, not what they expand to, and lets an alias stand within its own anchor (a tree
     * without end): either would exhaust the loader, which walks and prints the values.
     */
    private static Optional<String> tooLarge(Object tree) {
        record Node(Object value, int depth) {
        }
        Deque<Node> pending = new ArrayDeque<>(List.of(new Node(tree, 0)));
        int values = 0;
        while (!pending.isEmpty()) {
            Node node = pending.pop();
            if (++values > MAX_VALUES) {
                return Optional.of("holds more than " + MAX_VALUES + " values once its YAML aliases are expanded");
            }
            if (node.depth() > MAX_DEPTH) {
                return Optional.of("nests deeper than " + MAX_DEPTH + " levels (a YAML alias within its own anchor?)");
            }
            if (node.value() instanceof Map<?, ?> map) {
                map.forEach((k, v) -> {
                    pending.push(new Node(k, node.depth() + 1));
                    pending.push(new Node(v, node.depth() + 1));
                });
            } else if (node.value() instanceof Collection<?> items) {
                items.forEach(item -> pending.push(new Node(item, node.depth() + 1)));
            }
        }
        return Optional.empty();
    }
}
