package dev.berth.deploy.service;

import dev.berth.deploy.config.BerthConfig;
import dev.berth.deploy.config.ConfigLoader;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static dev.berth.deploy.service.YamlNodes.list;
import static dev.berth.deploy.service.YamlNodes.map;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * deploy/compose as Debian's docker-compose (1.29) reads it: {@code docker-compose config} validates
 * the files against the Compose schema and resolves them; the settings it would hand Berth are then
 * loaded by Berth's own configuration loader, as the container would load them. The stack itself is
 * not started here: the postgres:17 image comes from Docker Hub, which this machine cannot reach.
 */
class ComposeFilesTest {

    private static final Path COMPOSE = Path.of("compose", "compose.yaml");
    private static final Path S3 = Path.of("compose", "compose.s3.yaml");
    private static final Path IMAGE_CONFIG = Path.of("image", "files", "etc", "docker", "registry", "config.yml");

    @Test
    void berthAndItsPostgresRestartAreCheckedForHealthAndKeepTheirDataInVolumes() throws Exception {
        Map<String, Object> services = services(resolve(Map.of("BERTH_DATABASE_PASSWORD", "p4ss"), COMPOSE));
        Map<String, Object> berth = map(services.get("berth"));
        Map<String, Object> postgres = map(services.get("postgres"));
        assertThat(berth.get("restart")).isEqualTo("always");
        assertThat(postgres.get("restart")).isEqualTo("always");
        assertThat(map(map(berth.get("depends_on")).get("postgres")).get("condition")).isEqualTo("service_healthy");
        assertThat(list(map(berth.get("healthcheck")).get("test")))
                .containsExactly("CMD", "java", "-jar", "/opt/berth/berth.jar", "health", "serve", "/etc/docker/registry/config.yml");
        assertThat(list(map(postgres.get("healthcheck")).get("test"))).contains("pg_isready -U berth -d berth");
        assertThat(list(berth.get("volumes"))).containsExactly("berth:/var/lib/berth:rw");
        assertThat(list(postgres.get("volumes"))).containsExactly("postgres:/var/lib/postgresql/data:rw");
        assertThat(map(postgres.get("environment")).get("POSTGRES_PASSWORD")).isEqualTo("p4ss");

        BerthConfig config = asTheContainerLoadsIt(berth);
        assertThat(config.database().url()).contains("jdbc:postgresql://postgres:5432/berth");
        assertThat(config.database().user()).isEqualTo("berth");
        assertThat(config.database().password()).isEqualTo("p4ss");
        assertThat(config.storage().driverName()).isEqualTo("filesystem");
        assertThat(config.http().port()).isEqualTo(5000);
    }

    @Test
    void theS3FileMovesTheBlobsToTheObjectStore() throws Exception {
        Map<String, Object> services = services(resolve(Map.of("BERTH_DATABASE_PASSWORD", "p4ss",
                "BERTH_S3_BUCKET", "images", "BERTH_S3_ENDPOINT", "http://minio.example:9000",
                "BERTH_S3_ACCESSKEY", "access", "BERTH_S3_SECRETKEY", "secret"), COMPOSE, S3));
        BerthConfig config = asTheContainerLoadsIt(map(services.get("berth")));
        assertThat(config.storage().driver()).isInstanceOfSatisfying(BerthConfig.Driver.S3.class, s3 -> {
            assertThat(s3.bucket()).isEqualTo("images");
            assertThat(s3.endpoint()).hasValueSatisfying(uri -> assertThat(uri).hasToString("http://minio.example:9000"));
            assertThat(s3.pathStyle()).isTrue();
            assertThat(s3.accessKey()).contains("access");
        });
        assertThat(config.database().url()).contains("jdbc:postgresql://postgres:5432/berth");
    }

    @Test
    void withoutTheDatabasePasswordComposeRefusesToStart() throws Exception {
        Result result = compose(Map.of(), COMPOSE);
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output()).contains("set BERTH_DATABASE_PASSWORD");
    }

    @Test
    void aMisspeltKeyIsNotOverlooked() throws Exception {
        Path broken = Files.createTempFile("compose-", ".yaml");
        try {
            Files.writeString(broken, Files.readString(COMPOSE).replace("    restart: always", "    restrat: always"));
            Result result = compose(Map.of("BERTH_DATABASE_PASSWORD", "p4ss"), broken);
            assertThat(result.exitCode()).isNotZero();
            assertThat(result.output()).contains("restrat");
        } finally {
            Files.delete(broken);
        }
    }

    private static BerthConfig asTheContainerLoadsIt(Map<String, Object> service) {
        Map<String, String> env = new HashMap<>();
        map(service.get("environment")).forEach((k, v) -> env.put(k, String.valueOf(v)));
        env.put("REGISTRY_DATA_DIRECTORY", "/var/lib/berth"); // the image's
        return ConfigLoader.load(Optional.of(IMAGE_CONFIG), env);
    }

    private static String resolve(Map<String, String> env, Path... files) throws Exception {
        Result result = compose(env, files);
        assertThat(result.exitCode()).as(result.output()).isZero();
        return result.output();
    }

    private static Result compose(Map<String, String> env, Path... files) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("docker-compose", "--project-directory", "compose"));
        for (Path file : files) {
            command.addAll(List.of("-f", file.toString()));
        }
        command.add("config");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(key -> key.startsWith("BERTH_") || key.startsWith("REGISTRY_"));
        builder.environment().putAll(env);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new AssertionError("docker-compose is missing: apt-get install docker-compose (as .ci/run does)", e);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), output);
    }

    private static Map<String, Object> services(String resolved) {
        return map(map(new Yaml().load(resolved)).get("services"));
    }

    private record Result(int exitCode, String output) {
    }
}
