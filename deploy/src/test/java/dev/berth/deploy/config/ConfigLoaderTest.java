package dev.berth.deploy.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
        Optional<Path> s3 = file("""
                storage:
                  s3:
                    bucket: images
                """);
        assertThatThrownBy(() -> ConfigLoader.load(s3, Map.of()))
                .hasMessageContaining("storage.s3: storage driver not available");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of("REGISTRY_STORAGE", "azure")))
                .hasMessageContaining("storage.azure: storage driver not available");
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
    void explicitPathWinsOverEnvironment() {
        assertThat(ConfigLoader.locate("/etc/berth/a.yml", Map.of(ConfigLoader.PATH_ENV, "/etc/berth/b.yml")))
                .contains(Path.of("/etc/berth/a.yml"));
        assertThat(ConfigLoader.locate(null, Map.of(ConfigLoader.PATH_ENV, "/etc/berth/b.yml")))
                .contains(Path.of("/etc/berth/b.yml"));
        assertThat(ConfigLoader.locate(null, Map.of())).isEmpty();
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

    private static Path filesystemRoot(BerthConfig config) {
        return ((BerthConfig.Driver.Filesystem) config.storage().driver()).rootDirectory();
    }
}
