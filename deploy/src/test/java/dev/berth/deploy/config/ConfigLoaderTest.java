package dev.berth.deploy.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    private Optional<Path> file(String yaml) throws IOException {
        return Optional.of(Files.writeString(dir.resolve("config.yml"), yaml));
    }

    @Test
    void readsTheStorageOfAnotherRegistrysConfigurationAlone() throws Exception {
        Path file = Files.writeString(dir.resolve("registry2.yml"), """
                version: 0.1
                storage:
                  s3:
                    region: eu-west-1
                    bucket: old-registry
                    rootdirectory: /legacy
                auth:
                  htpasswd:
                    realm: old
                    path: /etc/docker/registry/htpasswd-not-on-this-machine
                """);

        BerthConfig.Driver driver = ConfigLoader.storageDriverOf(file);

        assertThat(driver).isInstanceOfSatisfying(BerthConfig.Driver.S3.class, s3 -> {
            assertThat(s3.bucket()).isEqualTo("old-registry");
            assertThat(s3.rootDirectory()).isEqualTo("legacy");
        });
        Path broken = Files.writeString(dir.resolve("broken.yml"), "storage:\n  s3:\n    region: eu-west-1\n");
        assertThatThrownBy(() -> ConfigLoader.storageDriverOf(broken)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("storage.s3.bucket");
    }

    @Test
    void theSettingsSayEachKeysEffectiveValueAndSourceWithSecretsMasked() throws Exception {
        Optional<Path> file = file("""
                version: 0.1
                http:
                  addr: 127.0.0.1:5001
                storage:
                  s3:
                    region: eu-west-1
                    bucket: images
                    accesskey: AKIAEXAMPLE
                    secretkey: s3-secret-value
                database:
                  url: jdbc:postgresql://db.internal/berth?user=berth&password=db-secret-value
                notifications:
                  endpoints:
                    - name: ci
                      url: https://hooks.example/berth
                      headers:
                        Authorization: [Bearer hook-secret-value]
                """);
        BerthConfig config = ConfigLoader.load(file, Map.of("REGISTRY_LOG_LEVEL", "debug",
                "REGISTRY_STORAGE_S3_REGIONENDPOINT", "https://builder:url-secret-value@s3.internal:9000"));

        Map<String, BerthConfig.Setting> settings = config.settings().stream()
                .collect(java.util.stream.Collectors.toMap(BerthConfig.Setting::key, s -> s));
        assertThat(settings.get("http.addr")).isEqualTo(new BerthConfig.Setting("http.addr", "127.0.0.1:5001", "file"));
        assertThat(settings.get("log.level"))
                .isEqualTo(new BerthConfig.Setting("log.level", "debug", "environment REGISTRY_LOG_LEVEL"));
        assertThat(settings.get("catalog.maxentries"))
                .isEqualTo(new BerthConfig.Setting("catalog.maxentries", "1000", BerthConfig.Setting.DEFAULT));
        assertThat(settings.get("startup.timeout").value()).isEqualTo("3m");
        assertThat(settings.get("storage.s3.bucket").value()).isEqualTo("images");
        assertThat(settings.get("storage.s3.secretkey").value()).isEqualTo("•••••• (set)");
        assertThat(settings.get("storage.s3.accesskey").value()).isEqualTo("•••••• (set)");
        assertThat(settings.get("database.url").value())
                .isEqualTo("jdbc:postgresql://db.internal/berth?user=berth&password=••••••");
        assertThat(settings.get("storage.s3.regionendpoint").value()).isEqualTo("https://••••••@s3.internal:9000");
        assertThat(settings.get("notifications.endpoints").value()).isEqualTo("1 entries in the file");
        assertThat(config.settings()).extracting(BerthConfig.Setting::value)
                .noneMatch(v -> v.contains("secret-value") || v.contains("AKIAEXAMPLE"));
        assertThat(config.settings()).extracting(BerthConfig.Setting::key).isSorted();
    }

    @Test
    void withoutFileEverythingLivesUnderBerthDataOnPort5000() {
        BerthConfig config = ConfigLoader.load(Optional.empty(), Map.of());

        Path data = Path.of("berth-data").toAbsolutePath();
        assertThat(config.http()).isEqualTo(new HttpAddress("", 5000));
        assertThat(config.http().allInterfaces()).isTrue();
        assertThat(config.dataDirectory()).isEqualTo(data);
        assertThat(config.storage().driverName()).isEqualTo("filesystem");
        assertThat(filesystemRoot(config)).isEqualTo(data.resolve("registry"));
        assertThat(config.storage().deleteEnabled()).isFalse();
        assertThat(config.database().embedded()).isTrue();
        assertThat(config.database().embeddedDirectory()).isEqualTo(data.resolve("postgres"));
        assertThat(config.logLevel()).isEqualTo(LogLevel.INFO);
        assertThat(config.maxPageSize()).isEqualTo(1000);
        assertThat(config.warnings()).isEmpty();
        assertThat(config.source()).isEqualTo("defaults + environment");
    }

    @Test
    void storageMaintenanceIsDistributionsWithItsDefaultsMapAndScalarForms() throws IOException {
        assertThat(ConfigLoader.load(Optional.empty(), Map.of()).storage().maintenance()).isEqualTo(
                new BerthConfig.Maintenance(false, true, Duration.ofHours(168), Duration.ofHours(24), false));

        BerthConfig config = ConfigLoader.load(file("""
                storage:
                  maintenance:
                    uploadpurging:
                      enabled: true
                      age: 2s
                      interval: 1m30s
                      dryrun: true
                    readonly:
                      enabled: true
                """), Map.of());
        assertThat(config.storage().maintenance()).isEqualTo(
                new BerthConfig.Maintenance(true, true, Duration.ofSeconds(2), Duration.ofSeconds(90), true));
        assertThat(config.warnings()).isEmpty();

        assertThat(ConfigLoader.load(file("""
                storage:
                  maintenance:
                    readonly: true
                """), Map.of()).storage().maintenance().readOnly()).isTrue();
        BerthConfig fromEnvironment = ConfigLoader.load(Optional.empty(), Map.of(
                "REGISTRY_STORAGE_MAINTENANCE_READONLY_ENABLED", "true",
                "REGISTRY_STORAGE_MAINTENANCE_UPLOADPURGING_ENABLED", "false",
                "REGISTRY_STORAGE_MAINTENANCE_UPLOADPURGING_AGE", "72h"));
        assertThat(fromEnvironment.storage().maintenance()).isEqualTo(
                new BerthConfig.Maintenance(true, false, Duration.ofHours(72), Duration.ofHours(24), false));
        assertThat(fromEnvironment.warnings()).isEmpty();

        Optional<Path> wrong = file("""
                storage:
                  maintenance:
                    uploadpurging:
                      age: a week
                    readonly:
                      enabled: perhaps
                """);
        assertThatThrownBy(() -> ConfigLoader.load(wrong, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("storage.maintenance.uploadpurging.age: expected a duration such as 168h")
                .hasMessageContaining("storage.maintenance.readonly.enabled: expected true or false, found 'perhaps'");
    }

    @Test
    void garbageCollectionDefaultsToADaysDelayAndReadsFileAndEnvironment() throws IOException {
        assertThat(ConfigLoader.load(Optional.empty(), Map.of()).gc()).isEqualTo(new BerthConfig.Gc(true,
                Duration.ofMinutes(5), Duration.ofHours(24), false, Duration.ofHours(1)));

        BerthConfig config = ConfigLoader.load(file("""
                gc:
                  enabled: false
                  interval: 30s
                  reviewafter: 0s
                  deleteuntagged: true
                  orphangrace: 2h
                """), Map.of());
        assertThat(config.gc()).isEqualTo(new BerthConfig.Gc(false, Duration.ofSeconds(30), Duration.ZERO, true,
                Duration.ofHours(2)));
        assertThat(config.warnings()).isEmpty();

        BerthConfig fromEnvironment = ConfigLoader.load(Optional.empty(), Map.of(
                "REGISTRY_GC_REVIEWAFTER", "0", "REGISTRY_GC_ORPHANGRACE", "0s", "REGISTRY_GC_INTERVAL", "250ms",
                "REGISTRY_GC_DELETEUNTAGGED", "true"));
        assertThat(fromEnvironment.gc()).isEqualTo(new BerthConfig.Gc(true, Duration.ofMillis(250), Duration.ZERO,
                true, Duration.ZERO));

        Optional<Path> wrong = file("""
                gc:
                  interval: 0s
                  reviewafter: a day
                  enabled: sometimes
                """);
        assertThatThrownBy(() -> ConfigLoader.load(wrong, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("gc.interval: expected a duration such as 30s, 15m or 24h")
                .hasMessageContaining("gc.reviewafter: expected a duration such as 30s, 15m or 24h, or 0s")
                .hasMessageContaining("gc.enabled: expected true or false, found 'sometimes'");
    }

    @Test
    void readsDistributionShapedFile() throws IOException {
        BerthConfig config = ConfigLoader.load(file("""
                version: 0.1
                log:
                  level: debug
                storage:
                  filesystem:
                    rootdirectory: /srv/registry
                  delete:
                    enabled: true
                http:
                  addr: 127.0.0.1:5010
                data:
                  directory: /srv/berth
                database:
                  url: jdbc:postgresql://db.example:5432/berth
                  user: berth
                  password: s3cret
                  pool:
                    maxsize: 40
                catalog:
                  maxentries: 250
                """), Map.of());

        assertThat(config.logLevel()).isEqualTo(LogLevel.DEBUG);
        assertThat(config.http()).isEqualTo(new HttpAddress("127.0.0.1", 5010));
        assertThat(filesystemRoot(config)).isEqualTo(Path.of("/srv/registry"));
        assertThat(config.storage().deleteEnabled()).isTrue();
        assertThat(config.dataDirectory()).isEqualTo(Path.of("/srv/berth"));
        assertThat(config.database().embedded()).isFalse();
        assertThat(config.database().url()).contains("jdbc:postgresql://db.example:5432/berth");
        assertThat(config.database().user()).isEqualTo("berth");
        assertThat(config.database().password()).isEqualTo("s3cret");
        assertThat(config.database().maxPoolSize()).isEqualTo(40);
        assertThat(config.maxPageSize()).isEqualTo(250);
        assertThat(config.warnings()).isEmpty();
        assertThat(config.source()).startsWith(dir.resolve("config.yml").toString());
    }

    @Test
    void environmentOverridesTheFileTheDistributionWay() throws IOException {
        BerthConfig config = ConfigLoader.load(file("""
                http:
                  addr: :5000
                storage:
                  filesystem:
                    rootdirectory: /from/file
                  delete:
                    enabled: false
                """), Map.of(
                "REGISTRY_HTTP_ADDR", "127.0.0.1:5010",
                "REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY", "/from/env",
                "REGISTRY_STORAGE_DELETE_ENABLED", "true"));

        assertThat(config.http()).isEqualTo(new HttpAddress("127.0.0.1", 5010));
        assertThat(filesystemRoot(config)).isEqualTo(Path.of("/from/env"));
        assertThat(config.storage().deleteEnabled()).isTrue();
    }

    @Test
    void schema1CompatibilityIsOnUnlessTurnedOffByFileOrEnvironmentAsDistributionNamesIt() throws IOException {
        assertThat(ConfigLoader.load(Optional.empty(), Map.of()).schemaOneEnabled()).isTrue();

        BerthConfig off = ConfigLoader.load(file("""
                compatibility:
                  schema1:
                    enabled: false
                    signingkeyfile: /etc/registry/key.json
                """), Map.of());
        assertThat(off.schemaOneEnabled()).isFalse();
        assertThat(off.warnings()).containsExactly(
                "compatibility.schema1.signingkeyfile: not supported by Berth yet; ignored");

        assertThat(ConfigLoader.load(Optional.empty(), Map.of("REGISTRY_COMPATIBILITY_SCHEMA1_ENABLED", "false"))
                .schemaOneEnabled()).isFalse();
    }

    @Test
    void publicUrlsComeFromTheRequestAndNoProxyIsTrustedByDefault() throws IOException {
        BerthConfig defaults = ConfigLoader.load(Optional.empty(), Map.of());
        assertThat(defaults.publicUrls()).isEqualTo(new BerthConfig.PublicUrls(Optional.empty(), false, List.of()));

        BerthConfig set = ConfigLoader.load(file("""
                http:
                  host: https://registry.example.com/
                  relativeurls: true
                  trustedproxies: [10.0.0.0/8, "fd00::/8", 192.0.2.7]
                """), Map.of());
        assertThat(set.publicUrls()).isEqualTo(new BerthConfig.PublicUrls(Optional.of("https://registry.example.com"),
                true, List.of("10.0.0.0/8", "fd00::/8", "192.0.2.7")));
        assertThat(set.warnings()).noneMatch(w -> w.startsWith("http."));
        assertThat(ConfigLoader.load(Optional.empty(), Map.of("REGISTRY_HTTP_TRUSTEDPROXIES", "127.0.0.2, ::1"))
                .publicUrls().trustedProxies()).containsExactly("127.0.0.2", "::1");
    }

    @Test
    void aProxyNameOrABadHostIsRefused() {
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of("REGISTRY_HTTP_TRUSTEDPROXIES",
                "10.0.0.0/8, proxy.internal, 10.0.0.0/40", "REGISTRY_HTTP_HOST", "registry.example.com")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("http.trustedproxies: 'proxy.internal' is no IP address or CIDR range")
                .hasMessageContaining("http.trustedproxies: '10.0.0.0/40' is no IP address or CIDR range")
                .hasMessageContaining("http.host: expected an absolute http or https URL");
        for (String bad : List.of("ftp://x", "https://x/path", "https://x?q=1", "https://user@x")) {
            assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of("REGISTRY_HTTP_HOST", bad)))
                    .as(bad).hasMessageContaining("http.host");
        }
    }

    @Test
    void theFilesystemStoreIsOwnerOnlyUnlessSharedOnPurpose() throws IOException {
        BerthConfig defaults = ConfigLoader.load(Optional.empty(), Map.of());
        assertThat(((BerthConfig.Driver.Filesystem) defaults.storage().driver()).shared()).isFalse();

        BerthConfig shared = ConfigLoader.load(file("""
                storage:
                  filesystem:
                    rootdirectory: /srv/registry
                    shared: true
                """), Map.of());
        assertThat(((BerthConfig.Driver.Filesystem) shared.storage().driver()).shared()).isTrue();
        assertThat(((BerthConfig.Driver.Filesystem) ConfigLoader.load(Optional.empty(),
                Map.of("REGISTRY_STORAGE_FILESYSTEM_SHARED", "true")).storage().driver()).shared()).isTrue();
    }

    @Test
    void startAndStopAreBoundedByDefaultAndTheBoundsAreSettings() {
        BerthConfig defaults = ConfigLoader.load(Optional.empty(), Map.of());
        assertThat(defaults.lifecycle().startupTimeout()).isEqualTo(Duration.ofSeconds(180));
        assertThat(defaults.lifecycle().shutdownTimeout()).isEqualTo(Duration.ofSeconds(30));

        BerthConfig set = ConfigLoader.load(Optional.empty(), Map.of("REGISTRY_STARTUP_TIMEOUT", "2",
                "REGISTRY_SHUTDOWN_TIMEOUT", "1m30s"));
        assertThat(set.lifecycle().startupTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(set.lifecycle().shutdownTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(set.warnings()).isEmpty();

        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of("REGISTRY_STARTUP_TIMEOUT", "0")))
                .hasMessageContaining("startup.timeout: expected seconds, or a duration such as 90s or 5m, found '0'");
    }

    @Test
    void dataDirectoryMovesEverythingThatIsNotSetExplicitly() {
        BerthConfig config = ConfigLoader.load(Optional.empty(), Map.of("REGISTRY_DATA_DIRECTORY", "/var/lib/berth"));

        assertThat(filesystemRoot(config)).isEqualTo(Path.of("/var/lib/berth/registry"));
        assertThat(config.database().embeddedDirectory()).isEqualTo(Path.of("/var/lib/berth/postgres"));
    }

    @Test
    void invalidValuesStopStartUpNamingEveryKey() throws IOException {
        Optional<Path> file = file("""
                http:
                  addr: localhost
                storage:
                  delete:
                    enabled: maybe
                database:
                  pool:
                    maxsize: 0
                """);
        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of("REGISTRY_LOG_LEVEL", "loud")))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).hasSize(4))
                .hasMessageContaining("http.addr: expected [host]:port")
                .hasMessageContaining("found 'localhost'")
                .hasMessageContaining("storage.delete.enabled: expected true or false, found 'maybe'")
                .hasMessageContaining("database.pool.maxsize: expected a whole number from 1 to 1000")
                .hasMessageContaining("log.level: expected one of error, warn, info, debug, found 'loud'"
                        + " (from environment variable REGISTRY_LOG_LEVEL)");
    }

    @Test
    void portOutOfRangeIsInvalid() {
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of("REGISTRY_HTTP_ADDR", ":70000")))
                .hasMessageContaining("http.addr");
    }

    @Test
    void unknownAndNotYetSupportedKeysAreWarnedAboutNotFatal() throws IOException {
        BerthConfig config = ConfigLoader.load(file("""
                version: 0.1
                log:
                  fields:
                    service: registry
                storage:
                  filesystem:
                    rootdirectory: /var/lib/registry
                    maxthreads: 100
                  cache:
                    blobdescriptor: inmemory
                http:
                  addr: :5000
                  headers:
                    X-Content-Type-Options: [nosniff]
                colour: blue
                """), Map.of("REGISTRY_HTTP_ADRR", ":5001"));

        assertThat(config.warnings()).containsExactlyInAnyOrder(
                "colour: unknown configuration key; ignored",
                "http.headers.x-content-type-options: not supported by Berth yet; ignored",
                "log.fields.service: not supported by Berth yet; ignored",
                "storage.cache.blobdescriptor: not supported by Berth yet; ignored",
                "storage.filesystem.maxthreads: unknown configuration key; ignored",
                "REGISTRY_HTTP_ADRR: environment variable matches no configuration key; ignored");
    }

    @Test
    void aDriverBerthDoesNotHaveStopsStartUpInsteadOfSilentlyUsingAnother() throws IOException {
        Optional<Path> tape = file("""
                storage:
                  tape:
                    bucket: images
                """);
        assertThatThrownBy(() -> ConfigLoader.load(tape, Map.of()))
                .hasMessageContaining("storage.tape: storage driver not available");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of("REGISTRY_STORAGE", "tape")))
                .hasMessageContaining("storage.tape: storage driver not available");
    }

    @Test
    void twoDriversAreAmbiguous() throws IOException {
        Optional<Path> two = file("""
                storage:
                  filesystem:
                    rootdirectory: /a
                  inmemory:
                """);
        assertThatThrownBy(() -> ConfigLoader.load(two, Map.of()))
                .hasMessageContaining("storage: configure exactly one driver, found filesystem, inmemory");
    }

    @Test
    void unsupportedVersionIsRefused() throws IOException {
        Optional<Path> file = file("version: 0.2\n");
        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of())).hasMessageContaining("version: expected 0.1");
    }

    @Test
    void databaseUrlMustBePostgresJdbc() {
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(),
                Map.of("REGISTRY_DATABASE_URL", "mysql://db/berth")))
                .hasMessageContaining("database.url: expected a PostgreSQL JDBC URL");
    }

    @Test
    void passwordNeverAppearsInDescriptions() {
        BerthConfig config = ConfigLoader.load(Optional.empty(), Map.of(
                "REGISTRY_DATABASE_URL", "jdbc:postgresql://db/berth",
                "REGISTRY_DATABASE_PASSWORD", "hunter2"));

        assertThat(config.database().password()).isEqualTo("hunter2");
        assertThat(config.database().toString()).doesNotContain("hunter2");
        assertThat(config.toString()).doesNotContain("hunter2");
    }

    @Test
    void distributionsProxySectionMirrorsTheWholeRegistryAndComesFromTheEnvironmentToo() {
        BerthConfig config = ConfigLoader.load(Optional.empty(), Map.of(
                "REGISTRY_PROXY_REMOTEURL", "https://registry-1.docker.io/",
                "REGISTRY_PROXY_USERNAME", "mirror",
                "REGISTRY_PROXY_PASSWORD", "hunter2-upstream",
                "REGISTRY_PROXY_TTL", "2s",
                "REGISTRY_PROXY_MAXSIZE", "1.5 GiB"));

        assertThat(config.proxies()).singleElement().satisfies(proxy -> {
            assertThat(proxy.maxBytes()).isEqualTo(3L << 29);
            assertThat(proxy.prefix()).isEmpty();
            assertThat(proxy.remoteUrl()).hasToString("https://registry-1.docker.io");
            assertThat(proxy.username()).contains("mirror");
            assertThat(proxy.password()).contains("hunter2-upstream");
            assertThat(proxy.ttl()).isEqualTo(Duration.ofSeconds(2));
        });
        assertThat(config.toString()).doesNotContain("hunter2-upstream");
        assertThat(config.warnings()).noneMatch(w -> w.contains("proxy"));
    }

    @Test
    void proxiesMapNamespacePrefixesToUpstreams() throws IOException {
        BerthConfig config = ConfigLoader.load(file("""
                proxies:
                  - prefix: hub
                    remoteurl: https://registry-1.docker.io
                    username: mirror
                    password: secret-one
                    maxsize: 20GB
                  - prefix: mirrors/ghcr/
                    remoteurl: https://ghcr.io
                    ttl: 1h
                """), Map.of());

        assertThat(config.proxies()).extracting(BerthConfig.Proxy::prefix).containsExactly("hub/", "mirrors/ghcr/");
        assertThat(config.proxies()).extracting(BerthConfig.Proxy::maxBytes).as("0: no limit")
                .containsExactly(20_000_000_000L, 0L);
        assertThat(config.proxies().get(0).ttl()).as("default").isEqualTo(Duration.ofMinutes(5));
        assertThat(config.proxies().get(1).ttl()).isEqualTo(Duration.ofHours(1));
        assertThat(config.proxies().get(1).username()).isEmpty();
        assertThat(config.toString()).doesNotContain("secret-one");
    }

    @Test
    void anUpstreamsAuthoritiesComeFromAPemBundleOverHttpsOnly() throws IOException {
        Path bundle = certificateBundle();
        BerthConfig config = ConfigLoader.load(Optional.empty(), Map.of(
                "REGISTRY_PROXY_REMOTEURL", "https://registry.internal",
                "REGISTRY_PROXY_CABUNDLE", bundle.toString()));
        assertThat(config.proxies().getFirst().caBundle()).contains(bundle);

        Path notPem = Files.writeString(dir.resolve("not.pem"), "no certificate here");
        assertThatThrownBy(() -> ConfigLoader.load(file("""
                proxies:
                  - prefix: hub
                    remoteurl: http://mirror.internal
                    cabundle: %s
                  - prefix: ghcr
                    remoteurl: https://ghcr.io
                    cabundle: %s
                """.formatted(bundle, notPem)), Map.of()))
                .hasMessageContaining("proxies[0] (hub/).cabundle: only used with an https:// remoteurl")
                .hasMessageContaining("proxies[1] (ghcr/).cabundle: " + notPem);
    }

    @Test
    void anUpstreamsClientCertificateAndKeyComeTogetherOverHttpsOnly() throws IOException {
        Path certificate = certificateBundle();
        Path key = Files.writeString(dir.resolve("client.key"),
                "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIBmSecretMaterial\n-----END PRIVATE KEY-----\n");
        BerthConfig config = ConfigLoader.load(Optional.empty(), Map.of(
                "REGISTRY_PROXY_REMOTEURL", "https://registry.internal",
                "REGISTRY_PROXY_CLIENTCERT", certificate.toString(),
                "REGISTRY_PROXY_CLIENTKEY", key.toString()));
        assertThat(config.proxies().getFirst().client()).contains(new BerthConfig.ClientCertificate(certificate, key));

        assertThatThrownBy(() -> ConfigLoader.load(file("""
                proxies:
                  - prefix: hub
                    remoteurl: http://registry.internal
                    clientcert: %s
                    clientkey: %s
                  - prefix: ghcr
                    remoteurl: https://ghcr.io
                    clientcert: %s
                  - prefix: corp
                    remoteurl: https://registry.corp
                    clientcert: %s
                    clientkey: %s
                """.formatted(certificate, key, certificate, certificate, certificate)), Map.of()))
                .hasMessageContaining("proxies[0] (hub/).clientcert: only used with an https:// remoteurl")
                .hasMessageContaining("proxies[1] (ghcr/): clientcert and clientkey go together")
                .hasMessageContaining("proxies[2] (corp/).clientkey: " + certificate + " holds no PEM private key")
                .hasMessageNotContaining("SecretMaterial");
    }

    @Test
    void proxiesThatOverlapOrCarryCredentialsInTheUrlAreRefusedWithoutEchoingThem() throws IOException {
        Optional<Path> file = file("""
                proxy:
                  remoteurl: https://user:pa55word@registry.example
                proxies:
                  - prefix: hub
                    remoteurl: https://registry-1.docker.io
                    maxsize: 20 GB-ish
                  - prefix: hub/library
                    remoteurl: https://mirror.example
                    password: lonely-secret
                  - prefix: Bad
                    remoteurl: ftp://files.example
                """);

        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of()))
                .hasMessageContaining("proxy.remoteurl: expected an http or https URL")
                .hasMessageContaining("proxies: proxy.remoteurl already mirrors every repository")
                .hasMessageContaining("proxies[1] (hub/library/).password: given without a username")
                .hasMessageContaining("proxies[0] (hub/).maxsize: expected a size such as 500MB")
                .hasMessageContaining("proxies[2].prefix: expected a namespace")
                .hasMessageNotContaining("pa55word")
                .hasMessageNotContaining("lonely-secret");
        assertThatThrownBy(() -> ConfigLoader.load(file("""
                proxies:
                  - prefix: hub
                    remoteurl: https://registry-1.docker.io
                  - prefix: hub/library
                    remoteurl: https://mirror.example
                """), Map.of())).hasMessageContaining("proxies: prefix hub/library/ lies within hub/");
    }

    @Test
    void brokenFilesAreReportedWithTheirPath() throws IOException {
        Optional<Path> notYaml = file("http: [unclosed\n");
        assertThatThrownBy(() -> ConfigLoader.load(notYaml, Map.of()))
                .hasMessageContaining("is not valid YAML");
        Optional<Path> missing = Optional.of(dir.resolve("missing.yml"));
        assertThatThrownBy(() -> ConfigLoader.load(missing, Map.of()))
                .hasMessageContaining(dir.resolve("missing.yml") + " does not exist");
        Optional<Path> list = file("- a\n- b\n");
        assertThatThrownBy(() -> ConfigLoader.load(list, Map.of()))
                .hasMessageContaining("expected a YAML mapping");
        Optional<Path> duplicate = file("http:\n  addr: :1\n  addr: :2\n");
        assertThatThrownBy(() -> ConfigLoader.load(duplicate, Map.of()))
                .hasMessageContaining("is not valid YAML");
    }

    @Test
    void aliasesThatExpandWithoutEndAreRefusedBeforeTheyAreRead() throws IOException {
        // 50 aliases (SnakeYAML's bound) doubling 24 times: 2^25 values from a 600-byte file
        StringBuilder laughs = new StringBuilder("a0: &a0 [x, x]\n");
        for (int i = 1; i < 25; i++) {
            laughs.append("a").append(i).append(": &a").append(i).append(" [*a").append(i - 1).append(", *a")
                    .append(i - 1).append("]\n");
        }
        Map<String, String> refusals = Map.of(
                laughs.toString(), "holds more than 100000 values once its YAML aliases are expanded",
                "storage: &s {filesystem: *s}\n", "nests deeper than 64 levels (a YAML alias within its own anchor?)");
        for (Map.Entry<String, String> refused : refusals.entrySet()) {
            Optional<Path> yaml = file(refused.getKey());
            assertThatThrownBy(() -> ConfigLoader.load(yaml, Map.of())).hasMessageContaining(refused.getValue());
        }
    }

    @Test
    void aPathWithANulCharacterIsNamedNotThrown() throws IOException {
        Optional<Path> nul = file("data:\n  directory: \"/srv/a\\0b\"\n");
        assertThatThrownBy(() -> ConfigLoader.load(nul, Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("data.directory: expected a file path");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of("REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY",
                "/srv/\0/registry")))
                .hasMessageContaining("storage.filesystem.rootdirectory: expected a file path");
    }

    @Test
    void explicitPathWinsOverEnvironment() {
        assertThat(ConfigLoader.locate("/etc/berth/a.yml", Map.of(ConfigLoader.PATH_ENV, "/etc/berth/b.yml")))
                .contains(Path.of("/etc/berth/a.yml"));
        assertThat(ConfigLoader.locate(null, Map.of(ConfigLoader.PATH_ENV, "/etc/berth/b.yml")))
                .contains(Path.of("/etc/berth/b.yml"));
        assertThat(ConfigLoader.locate(null, Map.of())).isEmpty();
    }

    @Test
    void authIsBasicAgainstBerthsUsersByDefaultAndDistributionsSectionsChooseTheMode() throws IOException {
        BerthConfig zero = ConfigLoader.load(Optional.empty(), Map.of());
        assertThat(zero.auth().mode()).isEqualTo(BerthConfig.Auth.HTPASSWD);
        assertThat(zero.auth().realm()).isEqualTo("Berth");
        assertThat(zero.auth().htpasswdPath()).isEmpty();
        assertThat(zero.auth().anonymousPull()).as("anonymous pull is off").isEmpty();
        // a Distribution config.yml without an auth section now requires logins too
        assertThat(ConfigLoader.load(file("""
                version: 0.1
                storage:
                  filesystem:
                    rootdirectory: /var/lib/registry
                """), Map.of()).auth().mode()).isEqualTo(BerthConfig.Auth.HTPASSWD);

        BerthConfig basic = ConfigLoader.load(file("""
                auth:
                  htpasswd:
                    realm: Registry Realm
                    path: /etc/registry/htpasswd
                  anonymous:
                    pull: public/*, library/*
                """), Map.of());
        assertThat(basic.auth().mode()).isEqualTo(BerthConfig.Auth.HTPASSWD);
        assertThat(basic.auth().realm()).isEqualTo("Registry Realm");
        assertThat(basic.auth().htpasswdPath()).contains(Path.of("/etc/registry/htpasswd"));
        assertThat(basic.auth().htpasswdGrants()).containsExactly("*:pull,push,delete");
        assertThat(basic.auth().anonymousPull()).containsExactly("public/*", "library/*");
        assertThat(basic.warnings()).isEmpty();

        BerthConfig token = ConfigLoader.load(Optional.empty(), Map.of("REGISTRY_AUTH", "token",
                "REGISTRY_AUTH_TOKEN_SERVICE", "registry.example", "REGISTRY_AUTH_TOKEN_EXPIRATION", "600"));
        assertThat(token.auth().mode()).isEqualTo(BerthConfig.Auth.TOKEN);
        assertThat(token.auth().service()).isEqualTo("registry.example");
        assertThat(token.auth().tokenExpirationSeconds()).isEqualTo(600);
        assertThat(token.auth().realm()).isEmpty();
    }

    @Test
    void authNoneKeepsTheRegistryOpen() throws IOException {
        assertThat(ConfigLoader.load(file("auth: none\n"), Map.of()).auth().mode()).isEqualTo(BerthConfig.Auth.OPEN);
        assertThat(ConfigLoader.load(Optional.empty(), Map.of("REGISTRY_AUTH", "none")).auth().mode())
                .isEqualTo(BerthConfig.Auth.OPEN);
        Optional<Path> htpasswd = file("""
                auth:
                  htpasswd:
                    path: /etc/registry/htpasswd
                """);
        assertThatThrownBy(() -> ConfigLoader.load(htpasswd, Map.of("REGISTRY_AUTH", "none")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("auth: 'none' turns access control off, yet auth.htpasswd is configured");
    }

    @Test
    void badAuthSettingsStopStartUpNamingTheKey() throws IOException {
        assertThatThrownBy(() -> ConfigLoader.load(file("""
                auth:
                  htpasswd:
                    realm: r
                  token:
                    rootcertbundle: /etc/ca.pem
                  silly:
                    realm: x
                  bcrypt:
                    cost: 99
                  htpasswd_typo: 1
                """), Map.of("REGISTRY_AUTH_HTPASSWD_GRANT", "team-a/*:fly", "REGISTRY_AUTH_ANONYMOUS_PULL", "Public/*")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("either auth.htpasswd or auth.token")
                .hasMessageContaining("auth.token.rootcertbundle")
                .hasMessageContaining("auth.silly")
                .hasMessageContaining("auth.bcrypt.cost")
                .hasMessageContaining("auth.htpasswd.grant")
                .hasMessageContaining("auth.anonymous.pull");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of("REGISTRY_AUTH", "ldap")))
                .hasMessageContaining("auth: expected htpasswd, token or none");
    }

    private Path certificateBundle() throws IOException {
        var issuer = new dev.berth.adapters.http.tls.BouncyCastleCertificateIssuer();
        var keys = issuer.newKeyPair(dev.berth.application.tls.CertificateIssuer.KeyType.EC_P256);
        var now = java.time.Instant.now();
        var certificate = issuer.certificateAuthority(keys, "token signer", now, now.plus(Duration.ofDays(30)));
        return Files.writeString(dir.resolve("bundle.pem"),
                new dev.berth.adapters.http.tls.BouncyCastlePemCodec().encode(List.of(certificate)));
    }

    @Test
    void anExternalIssuersKeysComeFromACertificateBundleOrAJwks() throws IOException {
        Path bundle = certificateBundle();
        Path jwks = Files.writeString(dir.resolve("jwks.json"), "{\"keys\":[]}");
        BerthConfig config = ConfigLoader.load(file("""
                auth:
                  token:
                    realm: https://auth.corp.example/token
                    service: registry.corp.example
                    issuer: corp-token-server
                    rootcertbundle: %s
                """.formatted(bundle)), Map.of("REGISTRY_AUTH_TOKEN_JWKS", jwks.toString()));
        assertThat(config.warnings()).isEmpty();
        assertThat(config.auth().mode()).isEqualTo(BerthConfig.Auth.TOKEN);
        assertThat(config.auth().externalIssuer()).isTrue();
        assertThat(config.auth().rootCertBundle()).contains(bundle);
        assertThat(config.auth().jwks()).contains(jwks);
        assertThat(config.auth().realm()).isEqualTo("https://auth.corp.example/token");
        assertThat(config.auth().issuer()).isEqualTo("corp-token-server");
        assertThat(ConfigLoader.load(Optional.empty(), Map.of("REGISTRY_AUTH", "token")).auth().externalIssuer()).isFalse();
    }

    @Test
    void anExternalIssuerNeedsItsRealmItsNameAndReadableKeys() throws IOException {
        Path notPem = Files.writeString(dir.resolve("not.pem"), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of(
                "REGISTRY_AUTH", "token",
                "REGISTRY_AUTH_TOKEN_ROOTCERTBUNDLE", notPem.toString(),
                "REGISTRY_AUTH_TOKEN_JWKS", dir.resolve("missing.json").toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("auth.token.realm: required with auth.token.rootcertbundle")
                .hasMessageContaining("auth.token.issuer: required with auth.token.rootcertbundle")
                .hasMessageContaining("auth.token.rootcertbundle: " + notPem + " cannot be read as PEM certificates")
                .hasMessageContaining("auth.token.jwks: file " + dir.resolve("missing.json") + " does not exist");
        Path bundle = certificateBundle();
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of(
                "REGISTRY_AUTH", "htpasswd", "REGISTRY_AUTH_TOKEN_ROOTCERTBUNDLE", bundle.toString())))
                .hasMessageContaining("auth.token.rootcertbundle: only used with token authentication");
    }

    private static Map<String, String> externalIssuer(String jwks) {
        return Map.of("REGISTRY_AUTH", "token", "REGISTRY_AUTH_TOKEN_REALM", "https://auth.corp.example/token",
                "REGISTRY_AUTH_TOKEN_ISSUER", "corp-token-server", "REGISTRY_AUTH_TOKEN_JWKS", jwks);
    }

    @Test
    void aJwksMayBeAnHttpsUrlWithAnAuthorityBundleForItsCertificate() throws IOException {
        Path authority = certificateBundle();
        Map<String, String> env = new java.util.HashMap<>(externalIssuer("https://auth.corp.example/.well-known/jwks.json"));
        env.put("REGISTRY_AUTH_TOKEN_JWKSCABUNDLE", authority.toString());
        BerthConfig config = ConfigLoader.load(Optional.empty(), env);
        assertThat(config.warnings()).isEmpty();
        assertThat(config.auth().externalIssuer()).isTrue();
        assertThat(config.auth().jwksUrl()).contains(URI.create("https://auth.corp.example/.well-known/jwks.json"));
        assertThat(config.auth().jwks()).isEmpty();
        assertThat(config.auth().jwksCaBundle()).contains(authority);
        // plain HTTP only where nobody can tamper with the keys on the way: loopback
        for (String loopback : List.of("http://127.0.0.1:8080/jwks.json", "http://[::1]:8080/jwks.json",
                "http://localhost/jwks.json")) {
            assertThat(ConfigLoader.load(Optional.empty(), externalIssuer(loopback)).auth().jwksUrl())
                    .map(URI::toString).contains(loopback);
        }
        for (String refused : List.of("http://auth.corp.example/jwks.json", "http://10.0.0.1/jwks.json",
                "ftp://auth.corp.example/jwks.json", "https://user:secret@auth.corp.example/jwks.json")) {
            assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), externalIssuer(refused)))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("auth.token.jwks: expected a file or an https:// URL (plain http:// only on a"
                            + " loopback address")
                    .hasMessageNotContaining("secret");
        }
    }

    @Test
    void aJwksAuthorityBundleNeedsAJwksUrlAndPemCertificates() throws IOException {
        Path jwks = Files.writeString(dir.resolve("jwks.json"), "{\"keys\":[]}");
        Map<String, String> env = new java.util.HashMap<>(externalIssuer(jwks.toString()));
        env.put("REGISTRY_AUTH_TOKEN_JWKSCABUNDLE", dir.resolve("missing.pem").toString());
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), env))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("auth.token.jwkscabundle: only used with an https:// URL in auth.token.jwks")
                .hasMessageContaining("auth.token.jwkscabundle: file " + dir.resolve("missing.pem") + " does not exist");
    }

    @Test
    void inMemoryDriverAndRedirectSwitch() {
        BerthConfig config = ConfigLoader.load(Optional.empty(), Map.of(
                "REGISTRY_STORAGE", "inmemory", "REGISTRY_STORAGE_REDIRECT_DISABLE", "true"));

        assertThat(config.storage().driver()).isInstanceOf(BerthConfig.Driver.InMemory.class);
        assertThat(config.storage().redirect()).isFalse();
        assertThat(ConfigLoader.load(Optional.empty(), Map.of()).storage().redirect()).isTrue();
    }

    @Test
    void azureTakesDistributionsOptionsAndKeepsTheKeySecret() throws IOException {
        Optional<Path> azure = file("""
                storage:
                  azure:
                    accountname: berthimages
                    accountkey: c2VjcmV0LWtleQ==
                    container: registry
                    rootdirectory: /berth/
                """);

        BerthConfig config = ConfigLoader.load(azure, Map.of());

        assertThat(config.storage().driver()).isEqualTo(new BerthConfig.Driver.Azure("berthimages",
                "c2VjcmV0LWtleQ==", "registry", URI.create("https://berthimages.blob.core.windows.net"), "berth"));
        assertThat(config.toString()).doesNotContain("c2VjcmV0LWtleQ==");
        BerthConfig azurite = ConfigLoader.load(azure, Map.of(
                "REGISTRY_STORAGE_AZURE_SERVICEURL", "http://127.0.0.1:10000/devstoreaccount1"));
        assertThat(((BerthConfig.Driver.Azure) azurite.storage().driver()).serviceUrl())
                .isEqualTo(URI.create("http://127.0.0.1:10000/devstoreaccount1"));
        BerthConfig china = ConfigLoader.load(azure, Map.of("REGISTRY_STORAGE_AZURE_REALM", "core.chinacloudapi.cn"));
        assertThat(((BerthConfig.Driver.Azure) china.storage().driver()).serviceUrl())
                .isEqualTo(URI.create("https://berthimages.blob.core.chinacloudapi.cn"));
    }

    @Test
    void badAzureOptionsAreNamedAndTheKeyIsNeverEchoed() throws IOException {
        Optional<Path> azure = file("""
                storage:
                  azure:
                    accountname: Berth_Images
                    accountkey: not base64!
                    container: -registry
                    serviceurl: ftp://example
                    rootdirectory: a/../b
                """);

        assertThatThrownBy(() -> ConfigLoader.load(azure, Map.of()))
                .hasMessageContaining("storage.azure.accountname: expected a storage account name")
                .hasMessageContaining("storage.azure.accountkey: expected the account's base64 access key")
                .hasMessageContaining("storage.azure.container: expected a container name")
                .hasMessageContaining("storage.azure.serviceurl: expected an http or https URL")
                .hasMessageContaining("storage.azure.rootdirectory: expected a key prefix such as registry/berth without empty, '.' or '..' segments")
                .message().doesNotContain("not base64!");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of("REGISTRY_STORAGE", "azure")))
                .hasMessageContaining("storage.azure.accountname: required")
                .hasMessageContaining("storage.azure.accountkey: required")
                .hasMessageContaining("storage.azure.container: required");
    }

    @Test
    void swiftDriverReadsDistributionsOptionsAndKeepsSecretsOutOfItsDescription() throws IOException {
        BerthConfig config = ConfigLoader.load(file("""
                storage:
                  swift:
                    authurl: https://keystone.example:5000/v3
                    username: berth
                    password: s3cret-password
                    container: registry
                    region: RegionTwo
                    tenant: images
                    domain: Default
                    endpointtype: internal
                    chunksize: 10485760
                    prefix: /berth/
                    secretkey: temp-url-key
                """), Map.of("REGISTRY_STORAGE_SWIFT_INSECURESKIPVERIFY", "true"));

        BerthConfig.Driver.Swift swift = (BerthConfig.Driver.Swift) config.storage().driver();
        assertThat(swift.authVersion()).isEqualTo(3);
        assertThat(swift.region()).isEqualTo("RegionTwo");
        assertThat(swift.tenant()).isEqualTo("images");
        assertThat(swift.domain()).isEqualTo("Default");
        assertThat(swift.endpointType()).isEqualTo("internal");
        assertThat(swift.chunkSize()).isEqualTo(10L << 20);
        assertThat(swift.prefix()).isEqualTo("berth");
        assertThat(swift.insecureSkipVerify()).isTrue();
        assertThat(config.warnings()).isEmpty();
        assertThat(config.toString()).contains("registry").doesNotContain("s3cret-password", "temp-url-key");
    }

    @Test
    void swiftAuthVersionDefaultsFromTheUrlAndBadOptionsAreNamed() throws IOException {
        assertThat(((BerthConfig.Driver.Swift) ConfigLoader.load(Optional.empty(), Map.of(
                "REGISTRY_STORAGE", "swift",
                "REGISTRY_STORAGE_SWIFT_AUTHURL", "http://127.0.0.1:8080/auth/v1.0",
                "REGISTRY_STORAGE_SWIFT_USERNAME", "test:tester",
                "REGISTRY_STORAGE_SWIFT_PASSWORD", "testing",
                "REGISTRY_STORAGE_SWIFT_CONTAINER", "registry")).storage().driver()).authVersion())
                .isEqualTo(1);

        assertThatThrownBy(() -> ConfigLoader.load(file("""
                storage:
                  swift:
                    authurl: ftp://keystone
                    password: hunter2-secret
                    container: a/b
                    authversion: 2
                    chunksize: 1000
                    endpointtype: private
                    prefix: a/../b
                """), Map.of()))
                .hasMessageContaining("storage.swift.authurl: expected an http:// or https:// URL")
                .hasMessageContaining("storage.swift.username: required")
                .hasMessageContaining("storage.swift.container: expected a container name without '/'")
                .hasMessageContaining("storage.swift.authversion: Keystone v2 is not supported")
                .hasMessageContaining("storage.swift.chunksize: expected a size in bytes")
                .hasMessageContaining("storage.swift.endpointtype: expected public, internal or admin")
                .hasMessageContaining("storage.swift.prefix: expected a key prefix")
                .message().doesNotContain("hunter2-secret");
    }

    @Test
    void gcsReadsTheKeyFromKeyfileOrInlineCredentialsAndKeepsItSecret() throws IOException {
        Path keyfile = Files.writeString(dir.resolve("key.json"), "{\"type\":\"service_account\",\"private_key\":\"PEM\"}");
        Optional<Path> gcs = file("""
                storage:
                  gcs:
                    bucket: berth-images
                    keyfile: %s
                    rootdirectory: registry
                    chunksize: 5242880
                    endpoint: http://127.0.0.1:4443
                """.formatted(keyfile));

        BerthConfig.Driver.Gcs driver = (BerthConfig.Driver.Gcs) ConfigLoader.load(gcs, Map.of()).storage().driver();

        assertThat(driver).isEqualTo(new BerthConfig.Driver.Gcs("berth-images",
                Optional.of(Files.readString(keyfile)), Optional.of(URI.create("http://127.0.0.1:4443")), "registry",
                5 * 1024 * 1024));
        assertThat(driver.toString()).doesNotContain("PEM");
        Optional<Path> inline = file("""
                storage:
                  gcs:
                    bucket: berth-images
                    credentials:
                      type: service_account
                      client_email: berth@example.iam.gserviceaccount.com
                      private_key: "-----BEGIN PRIVATE KEY-----\\nABC\\n-----END PRIVATE KEY-----\\n"
                """);
        assertThat(((BerthConfig.Driver.Gcs) ConfigLoader.load(inline, Map.of()).storage().driver()).credentialsJson())
                .contains("{\"type\":\"service_account\",\"private_key\":\"-----BEGIN PRIVATE KEY-----\\nABC\\n"
                        + "-----END PRIVATE KEY-----\",\"client_email\":\"berth@example.iam.gserviceaccount.com\"}");
    }

    @Test
    void badGcsOptionsAreNamed() throws IOException {
        Optional<Path> gcs = file("""
                storage:
                  gcs:
                    bucket: Berth Images
                    keyfile: /no/such/key.json
                    chunksize: 1000000
                """);

        assertThatThrownBy(() -> ConfigLoader.load(gcs, Map.of()))
                .hasMessageContaining("storage.gcs.bucket: expected a bucket name")
                .hasMessageContaining("storage.gcs.keyfile: cannot read the service-account key file /no/such/key.json")
                .hasMessageContaining("storage.gcs.chunksize: expected a multiple of 262144");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of("REGISTRY_STORAGE", "gcs")))
                .hasMessageContaining("storage.gcs.bucket: required");
    }

    private static Path filesystemRoot(BerthConfig config) {
        return ((BerthConfig.Driver.Filesystem) config.storage().driver()).rootDirectory();
    }

    @Test
    void tlsIsOffByDefaultAndManagedOnRequestWithHostnamesFromFileOrEnvironment() throws IOException {
        assertThat(ConfigLoader.load(Optional.empty(), Map.of()).tls().enabled()).isFalse();

        BerthConfig.Tls tls = ConfigLoader.load(file("""
                http:
                  tls:
                    managed: true
                    hostnames: [registry.example, 10.0.0.7]
                    minimumtls: tls1.3
                """), Map.of()).tls();
        assertThat(tls.enabled()).isTrue();
        assertThat(tls.hostnames()).containsExactly("registry.example", "10.0.0.7");
        assertThat(tls.minimumTls()).isEqualTo("tls1.3");
        assertThat(tls.directory()).isEqualTo(Path.of("berth-data/tls").toAbsolutePath());

        BerthConfig.Tls fromEnv = ConfigLoader.load(Optional.empty(), Map.of("REGISTRY_HTTP_TLS_MANAGED", "true",
                "REGISTRY_HTTP_TLS_HOSTNAMES", "a.example, b.example")).tls();
        assertThat(fromEnv.hostnames()).containsExactly("a.example", "b.example");
        assertThat(fromEnv.minimumTls()).isEqualTo("tls1.2");
    }

    @Test
    void tlsFilesAsDistributionTakesThemWithAPassphraseNeverShown() throws IOException {
        Path certificate = Files.writeString(dir.resolve("server.crt"), "x");
        Path key = Files.writeString(dir.resolve("server.key"), "x");
        BerthConfig config = ConfigLoader.load(file("http:\n  tls:\n    certificate: " + certificate + "\n    key: " + key + "\n"),
                Map.of("REGISTRY_HTTP_TLS_KEYPASSPHRASE", "hunter2"));
        assertThat(config.tls().certificate()).contains(certificate);
        assertThat(config.tls().keyPassphrase()).isEqualTo("hunter2");
        assertThat(config.tls().toString()).doesNotContain("hunter2");
        assertThat(config.warnings()).isEmpty();
    }

    @Test
    void badTlsSettingsStopStartNamingTheKey() throws IOException {
        Path certificate = Files.writeString(dir.resolve("server.crt"), "x");
        assertThatThrownBy(() -> ConfigLoader.load(file("http:\n  tls:\n    certificate: " + certificate + "\n"
                + "    managed: true\n    minimumtls: tls1.0\n"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("http.tls.key: required with http.tls.certificate")
                .hasMessageContaining("http.tls.managed: cannot be true together with http.tls.certificate")
                .hasMessageContaining("http.tls.minimumtls: expected tls1.2 or tls1.3");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of("REGISTRY_HTTP_TLS_CERTIFICATE", "/nowhere/x.crt",
                "REGISTRY_HTTP_TLS_KEY", "/nowhere/x.key")))
                .hasMessageContaining("http.tls.certificate: file /nowhere/x.crt does not exist");
    }

    @Test
    void tlsKeysBerthLacksAreStillWarnedAbout() throws IOException {
        BerthConfig config = ConfigLoader.load(file("http:\n  tls:\n    managed: true\n    clientcas: [/ca.pem]\n"), Map.of());
        assertThat(config.warnings()).containsExactly("http.tls.clientcas: not supported by Berth yet; ignored");
    }

    @Test
    void readsDistributionsNotificationEndpointsAndObservabilityKeys() throws IOException {
        BerthConfig config = ConfigLoader.load(file("""
                version: 0.1
                log:
                  formatter: json
                  accesslog:
                    disabled: true
                http:
                  debug:
                    prometheus:
                      enabled: true
                      path: /internal/metrics
                notifications:
                  endpoints:
                    - name: alistener
                      disabled: false
                      url: https://my.listener.com/event
                      headers:
                        Authorization: [Bearer secret-token]
                      timeout: 500ms
                      threshold: 5
                      backoff: 1s
                      ignoredmediatypes:
                        - application/octet-stream
                      ignore:
                        mediatypes:
                          - application/vnd.oci.image.config.v1+json
                        actions:
                          - pull
                    - name: old
                      url: http://old.example/hook
                      format: v1
                      signingkey: sixteen-chars-or-more
                """), Map.of());

        assertThat(config.warnings()).isEmpty();
        assertThat(config.observability()).isEqualTo(new BerthConfig.Observability(true, "/internal/metrics", true, false));
        BerthConfig.Endpoint first = config.notifications().endpoints().getFirst();
        assertThat(first.timeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(first.threshold()).isEqualTo(5);
        assertThat(first.headers()).containsEntry("Authorization", List.of("Bearer secret-token"));
        assertThat(first.ignoredMediaTypes()).containsExactlyInAnyOrder("application/octet-stream",
                "application/vnd.oci.image.config.v1+json");
        assertThat(first.ignoredActions()).containsExactly("pull");
        assertThat(first.format()).isEqualTo("v2");
        assertThat(first.toString()).doesNotContain("secret-token");
        BerthConfig.Endpoint old = config.notifications().endpoints().get(1);
        assertThat(old.format()).isEqualTo("v1");
        assertThat(old.timeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(old.threshold()).isEqualTo(10);
        assertThat(old.signingKey()).contains("sixteen-chars-or-more");
        assertThat(config.notifications().retention()).isEqualTo(Duration.ofHours(24));
    }

    @Test
    void metricsMayRequireABearerTokenThatIsNeverShown() throws IOException {
        String token = "prometheus-scrape-token-42";
        BerthConfig fromEnv = ConfigLoader.load(Optional.empty(), Map.of("REGISTRY_HTTP_DEBUG_PROMETHEUS_BEARERTOKEN", token));
        assertThat(fromEnv.warnings()).isEmpty();
        assertThat(fromEnv.observability().metricsBearerToken()).contains(token);
        assertThat(fromEnv.observability().toString()).doesNotContain(token);
        assertThat(fromEnv.toString()).doesNotContain(token);
        BerthConfig fromFile = ConfigLoader.load(file("""
                http:
                  debug:
                    addr: :5001
                    prometheus:
                      enabled: true
                      bearertoken: %s
                """.formatted(token)), Map.of());
        assertThat(fromFile.observability().metricsBearerToken()).contains(token);
        // the separate debug listener is still not there
        assertThat(fromFile.warnings()).containsExactly("http.debug.addr: not supported by Berth yet; ignored");
        assertThat(ConfigLoader.load(Optional.empty(), Map.of()).observability().metricsBearerToken()).isEmpty();

        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(),
                Map.of("REGISTRY_HTTP_DEBUG_PROMETHEUS_BEARERTOKEN", "short secret")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("http.debug.prometheus.bearertoken: expected at least 16 printable characters")
                .hasMessageContaining("REGISTRY_HTTP_DEBUG_PROMETHEUS_BEARERTOKEN")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("short secret"));
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of(
                "REGISTRY_HTTP_DEBUG_PROMETHEUS_BEARERTOKEN", token, "REGISTRY_HTTP_DEBUG_PROMETHEUS_ENABLED", "false")))
                .hasMessageContaining("only used with http.debug.prometheus.enabled: true");
    }

    @Test
    void invalidEndpointsNameTheEndpointAndTheKeyButNeverTheSecret() throws IOException {
        assertThatThrownBy(() -> ConfigLoader.load(file("""
                notifications:
                  endpoints:
                    - name: a
                      url: ftp://user:hunter2@example/x
                      timeout: soon
                      threshold: 0
                      ignore:
                        actions: [push, fetch]
                      format: v3
                    - name: a
                      url: http://example/
                      signingkey: short
                log:
                  formatter: xml
                """), Map.of()))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).containsExactlyInAnyOrder(
                        "notifications.endpoints[0] (a).url: expected an absolute http or https URL",
                        "notifications.endpoints[0] (a).timeout: expected a duration such as 500ms, 1s or 5m, found 'soon'",
                        "notifications.endpoints[0] (a).threshold: expected a whole number from 1 to 1000000, found '0'",
                        "notifications.endpoints[0] (a).ignore.actions: expected push, pull, delete or mount, found 'fetch'",
                        "notifications.endpoints[0] (a).format: expected v1 (registry:2's envelope) or v2 (Distribution 3's), found 'v3'",
                        "notifications.endpoints[1] (a): another endpoint has the same name",
                        "notifications.endpoints[1] (a).signingkey: expected at least 16 characters",
                        "log.formatter: expected text or json, found 'xml'"))
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2"));
    }

    @Test
    void s3WithDistributionsOptionNames() throws IOException {
        Optional<Path> s3 = file("""
                storage:
                  s3:
                    accesskey: AKIAEXAMPLE
                    secretkey: very-secret-key
                    region: eu-west-1
                    regionendpoint: minio.example:9000
                    forcepathstyle: true
                    bucket: images
                    encrypt: true
                    keyid: arn:aws:kms:eu-west-1:1:key/abc
                    chunksize: 20971520
                    rootdirectory: /registry/berth/
                    secure: false
                    skipverify: true
                    storageclass: reduced_redundancy
                """);

        BerthConfig.Driver.S3 driver = (BerthConfig.Driver.S3) ConfigLoader.load(s3, Map.of()).storage().driver();

        assertThat(driver.endpoint()).hasValue(java.net.URI.create("http://minio.example:9000"));
        assertThat(driver.pathStyle()).isTrue();
        assertThat(driver.accessKey()).hasValue("AKIAEXAMPLE");
        assertThat(driver.secretKey()).hasValue("very-secret-key");
        assertThat(driver.keyId()).hasValue("arn:aws:kms:eu-west-1:1:key/abc");
        assertThat(driver.chunkSize()).isEqualTo(20 << 20);
        assertThat(driver.rootDirectory()).isEqualTo("registry/berth");
        assertThat(driver.storageClass()).hasValue("REDUCED_REDUNDANCY");
        assertThat(driver.encrypt()).isTrue();
        assertThat(driver.skipVerify()).isTrue();
        assertThat(driver.toString()).doesNotContain("very-secret-key");
    }

    @Test
    void s3DefaultsToAwsWithTheDefaultCredentialChain() {
        BerthConfig config = ConfigLoader.load(Optional.empty(), Map.of("REGISTRY_STORAGE", "s3",
                "REGISTRY_STORAGE_S3_BUCKET", "images", "REGISTRY_STORAGE_S3_REGION", "us-west-2"));

        BerthConfig.Driver.S3 driver = (BerthConfig.Driver.S3) config.storage().driver();
        assertThat(driver.endpoint()).isEmpty();
        assertThat(driver.accessKey()).isEmpty();
        assertThat(driver.chunkSize()).isEqualTo(10 << 20);
        assertThat(driver.storageClass()).isEmpty();
        assertThat(driver.rootDirectory()).isEmpty();
        assertThat(config.storage().redirect()).isTrue();
    }

    @Test
    void badS3OptionsAreNamedAndSecretsNeverShown() throws IOException {
        Optional<Path> s3 = file("""
                storage:
                  s3:
                    secretkey: very-secret-key
                    regionendpoint: ftp://minio
                    chunksize: 1024
                    rootdirectory: a/../b
                    storageclass: CHEAP
                    forcepathstyle: perhaps
                """);

        assertThatThrownBy(() -> ConfigLoader.load(s3, Map.of()))
                .hasMessageContaining("storage.s3.bucket: required")
                .hasMessageContaining("storage.s3.regionendpoint: expected an http(s) URL")
                .hasMessageContaining("storage.s3.accesskey, storage.s3.secretkey: give both")
                .hasMessageContaining("storage.s3.chunksize: expected a number of bytes from 5242880")
                .hasMessageContaining("storage.s3.rootdirectory: expected a key prefix")
                .hasMessageContaining("storage.s3.storageclass: expected one of")
                .hasMessageContaining("storage.s3.forcepathstyle: expected true or false")
                .message().doesNotContain("very-secret-key");
        // once an IllegalArgumentException and a NullPointerException (found by ConfigFuzzTest)
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of("REGISTRY_STORAGE", "s3",
                "REGISTRY_STORAGE_S3_BUCKET", "b", "REGISTRY_STORAGE_S3_REGION", "eu west", "REGISTRY_STORAGE_S3_SECURE", "false")))
                .hasMessageContaining("storage.s3.region: expected an AWS region such as eu-west-1, found 'eu west'")
                .message().doesNotContain("storage.s3.region: required");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of("REGISTRY_STORAGE", "s3",
                "REGISTRY_STORAGE_S3_BUCKET", "b", "REGISTRY_STORAGE_S3_REGIONENDPOINT", "/x://y")))
                .hasMessageContaining("storage.s3.regionendpoint: expected an http(s) URL");
    }

    @Test
    void ossWithDistributionsOptionNames() throws IOException {
        Optional<Path> oss = file("""
                storage:
                  oss:
                    accesskeyid: LTAIEXAMPLE
                    accesskeysecret: oss-secret
                    region: oss-cn-hangzhou
                    internal: true
                    bucket: images
                    encrypt: true
                    chunksize: 5242880
                    rootdirectory: berth
                """);

        BerthConfig.Driver.Oss driver = (BerthConfig.Driver.Oss) ConfigLoader.load(oss, Map.of()).storage().driver();

        assertThat(driver.region()).isEqualTo("oss-cn-hangzhou");
        assertThat(driver.internal()).isTrue();
        assertThat(driver.secure()).isTrue();
        assertThat(driver.endpoint()).isEmpty();
        assertThat(driver.toString()).doesNotContain("oss-secret");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of("REGISTRY_STORAGE", "oss")))
                .hasMessageContaining("storage.oss.bucket: required")
                .hasMessageContaining("storage.oss.region: required")
                .hasMessageContaining("storage.oss.accesskeyid: required")
                .hasMessageContaining("storage.oss.accesskeysecret: required");
    }

    @Test
    void auditEventsAreKeptNinetyDaysAndAMillionRowsUnlessConfigured() throws IOException {
        assertThat(ConfigLoader.load(Optional.empty(), Map.of()).audit())
                .isEqualTo(new BerthConfig.Audit(Duration.ofDays(90), 1_000_000));
        BerthConfig config = ConfigLoader.load(file("""
                version: 0.1
                audit:
                  retention: 30
                """), Map.of("REGISTRY_AUDIT_MAXROWS", "0"));
        assertThat(config.warnings()).isEmpty();
        assertThat(config.audit()).isEqualTo(new BerthConfig.Audit(Duration.ofDays(30), 0));
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of("REGISTRY_AUDIT_RETENTION", "-1")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("audit.retention");
    }

    /** Issue 14: retention policies run once a day unless configured. */
    @Test
    void retentionRunsDailyUnlessConfigured() throws IOException {
        assertThat(ConfigLoader.load(Optional.empty(), Map.of()).retention())
                .isEqualTo(new BerthConfig.Retention(Duration.ofHours(24)));
        BerthConfig config = ConfigLoader.load(file("""
                version: 0.1
                retention:
                  interval: 6h
                """), Map.of());
        assertThat(config.warnings()).isEmpty();
        assertThat(config.retention().interval()).isEqualTo(Duration.ofHours(6));
        assertThat(ConfigLoader.load(Optional.empty(), Map.of("REGISTRY_RETENTION_INTERVAL", "30m")).retention()
                .interval()).isEqualTo(Duration.ofMinutes(30));
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of("REGISTRY_RETENTION_INTERVAL", "daily")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("retention.interval");
    }

    /** Issue 12: the key that seals the database's secrets — a file in the data directory unless given. */
    @Test
    void theSecretsKeyComesFromItsFileUnlessGivenAndIsNeverEchoed() throws IOException {
        BerthConfig defaults = ConfigLoader.load(Optional.empty(), Map.of("REGISTRY_DATA_DIRECTORY", "/srv/berth"));
        assertThat(defaults.database().secretsKey()).isEmpty();
        assertThat(defaults.database().secretsKeyFile()).isEqualTo(Path.of("/srv/berth/secrets.key"));

        String key = java.util.Base64.getEncoder().encodeToString(new byte[32]);
        BerthConfig given = ConfigLoader.load(file("""
                database:
                  secrets:
                    key: %s
                    keyfile: /etc/berth/secrets.key
                """.formatted(key)), Map.of());
        assertThat(given.database().secretsKey()).contains(key);
        assertThat(given.database().secretsKeyFile()).isEqualTo(Path.of("/etc/berth/secrets.key"));
        assertThat(given.database().toString()).doesNotContain(key);

        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(),
                Map.of("REGISTRY_DATABASE_SECRETS_KEY", "c2hvcnQta2V5LXNlY3JldA==")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("database.secrets.key: expected base64 of 32 random bytes")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("c2hvcnQta2V5LXNlY3JldA=="));
    }

}
