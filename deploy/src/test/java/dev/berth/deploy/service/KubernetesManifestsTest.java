package dev.berth.deploy.service;

import dev.berth.deploy.config.BerthConfig;
import dev.berth.deploy.config.ConfigLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static dev.berth.deploy.service.YamlNodes.list;
import static dev.berth.deploy.service.YamlNodes.map;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * deploy/kubernetes checked two ways: every object against the Kubernetes API's OpenAPI schemas
 * (the kubernetes-models validators from the npm registry, run by the machine's Node.js; types,
 * required fields, enums, formats, but not unknown fields), and what the schemas cannot know: the
 * probes, user, volumes and config path match Berth's image, the ConfigMap's config.yml is one
 * Berth loads, and the kustomization lists files that exist. Applying them to a cluster is not
 * tested here (no cluster).
 */
class KubernetesManifestsTest {

    private static final Path MANIFESTS = Path.of("kubernetes");
    private static final Path VALIDATOR = Path.of("src", "test", "node", "validate-kubernetes.mjs");
    private static final Path NODE_MODULES = Path.of("..", ".ci", "tools", "node_modules");

    @TempDir
    Path scratch;

    @Test
    void everyObjectIsValidAgainstTheKubernetesSchemas() throws Exception {
        List<Path> files;
        try (Stream<Path> list = Files.list(MANIFESTS)) {
            files = list.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        }
        Result result = validate(files.toArray(Path[]::new));
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("StatefulSet berth: valid", "Service berth: valid",
                "ConfigMap berth-config: valid", "Ingress berth: valid", "Secret berth: valid", "Namespace berth: valid");
    }

    @Test
    void aSchemaViolationIsNotOverlooked() throws Exception {
        Path broken = scratch.resolve("statefulset.yaml");
        Files.writeString(broken, Files.readString(MANIFESTS.resolve("statefulset.yaml"))
                .replace("replicas: 1", "replicas: one")
                .replace("httpGet: {path: /health/ready, port: registry}", "httpGet: {path: /health/ready}"));
        Result result = validate(broken);
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output()).contains("INVALID", "replicas must be integer");
    }

    @Test
    void theStatefulSetRunsBerthsImageAsItIsBuilt() throws Exception {
        Map<String, Object> spec = map(map(yaml("statefulset.yaml").get("spec")).get("template"));
        Map<String, Object> pod = map(spec.get("spec"));
        Map<String, Object> security = map(pod.get("securityContext"));
        assertThat(security).containsEntry("runAsUser", 1000).containsEntry("runAsNonRoot", true).containsEntry("fsGroup", 1000);
        Map<String, Object> container = map(list(pod.get("containers")).getFirst());
        assertThat(list(container.get("args"))).containsExactly("serve", "/etc/docker/registry/config.yml");
        assertThat(map(list(container.get("ports")).getFirst())).containsEntry("name", "registry").containsEntry("containerPort", 5000);
        assertThat(map(map(container.get("readinessProbe")).get("httpGet"))).containsEntry("path", "/health/ready")
                .containsEntry("port", "registry");
        assertThat(map(map(container.get("livenessProbe")).get("httpGet"))).containsEntry("path", "/health/live");
        assertThat(map(map(container.get("startupProbe")).get("httpGet"))).containsEntry("path", "/health/live");
        assertThat(map(container.get("securityContext"))).containsEntry("readOnlyRootFilesystem", true)
                .containsEntry("allowPrivilegeEscalation", false);
        assertThat(list(container.get("volumeMounts")).stream().map(m -> map(m).get("mountPath")))
                .containsExactlyInAnyOrder("/var/lib/berth", "/etc/docker/registry", "/tmp");
        assertThat(map(map(container.get("resources")).get("requests"))).containsKeys("cpu", "memory");
        assertThat(list(container.get("env")).stream().map(e -> map(e).get("name")))
                .contains("BERTH_ADMIN_PASSWORD", "REGISTRY_DATABASE_URL", "REGISTRY_DATABASE_PASSWORD");
    }

    @Test
    void theConfigMapHoldsAConfigurationBerthLoads() throws Exception {
        String configYml = (String) map(yaml("configmap.yaml").get("data")).get("config.yml");
        Path file = Files.writeString(scratch.resolve("config.yml"), configYml);
        BerthConfig config = ConfigLoader.load(Optional.of(file), Map.of("REGISTRY_DATA_DIRECTORY", "/var/lib/berth"));
        assertThat(config.warnings()).isEmpty();
        assertThat(config.http().port()).isEqualTo(5000);
        assertThat(config.publicUrls().host()).contains("https://registry.example.com");
        assertThat(config.publicUrls().trustedProxies()).containsExactly("10.0.0.0/8");
        assertThat(config.storage().deleteEnabled()).isTrue();
    }

    @Test
    void theKustomizationListsFilesThatExist() throws Exception {
        for (Object resource : list(yaml("kustomization.yaml").get("resources"))) {
            assertThat(MANIFESTS.resolve((String) resource)).exists();
        }
    }

    private static Map<String, Object> yaml(String file) throws IOException {
        return map(new Yaml().load(Files.readString(MANIFESTS.resolve(file))));
    }

    private static Result validate(Path... files) throws IOException, InterruptedException {
        assertThat(NODE_MODULES.resolve("kubernetes-models")).as(
                "npm install --no-save --prefix .ci/tools kubernetes-models@4.5.1 yaml@2.9.1 (as .ci/run does)").isDirectory();
        List<String> command = new ArrayList<>(List.of("node", VALIDATOR.toString()));
        for (Path file : files) {
            command.add(file.toString());
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("BERTH_NODE_MODULES", NODE_MODULES.toAbsolutePath().normalize().toString());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), output);
    }

    private record Result(int exitCode, String output) {
    }
}
