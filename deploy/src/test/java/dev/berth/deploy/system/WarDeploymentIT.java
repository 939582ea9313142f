package dev.berth.deploy.system;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * berth.war as an application server gets it: deployed on a stock Payara Micro (no Berth
 * launcher), configured through REGISTRY_* variables only: the same deployment path without the
 * launcher. On a full Payara Server 7 with asadmin and its HTTPS listener: {@link PayaraServerIT}.
 */
class WarDeploymentIT {

    @TempDir
    Path work;

    @Test
    void warDeploysOnStockPayaraAndServesTheRegistry() throws Exception {
        Path war = BerthProcess.jar().resolveSibling("berth.war");
        Path payara = Path.of(System.getProperty("payara.micro.jar", "missing"));
        assertThat(war).exists();
        assertThat(payara).exists();
        int port = BerthProcess.freePort();
        Path preBoot = Files.writeString(work.resolve("pre-boot.txt"),
                "set configs.config.server-config.network-config.network-listeners.network-listener.http-listener.address=127.0.0.1\n"
                        + "set configs.config.server-config.hazelcast-config-specific-configuration.enabled=false\n");
        Path data = work.resolve("registry-data");

        List<String> command = new ArrayList<>(List.of(BerthProcess.javaExecutable()));
        command.addAll(BerthProcess.QUICK_BOOT);
        command.addAll(List.of("-jar", payara.toString(),
                "--nohazelcast", "--port", String.valueOf(port), "--prebootcommandfile", preBoot.toString(),
                "--deploy", war.toString(), "--contextroot", "/"));
        try (BerthProcess server = BerthProcess.runAsShipped(command, work, port,
                Map.of("REGISTRY_DATA_DIRECTORY", data.toString()))) {
            server.awaitReady();
            // the WAR is as secure by default as the jar: logins required, the generated admin's password works
            HttpResponse<String> anonymous = server.get("/v2/");
            assertThat(anonymous.statusCode()).isEqualTo(401);
            assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Basic "));
            String password = Files.readString(data.resolve("initial-admin-password")).strip();
            HttpResponse<byte[]> signedIn = new RegistryClient(server).get("/v2/", AuthBerth.basic("admin", password));
            assertThat(signedIn.statusCode()).isEqualTo(200);
            assertThat(signedIn.headers().firstValue("Docker-Distribution-API-Version")).contains("registry/2.0");
            String health = server.get("/health/ready").body();
            assertThat(JsonFields.checkStatus(health, "database")).isEqualTo("UP");
            assertThat(JsonFields.checkStatus(health, "storage")).isEqualTo("UP");
            assertThat(data.resolve("registry")).isDirectory();
            assertThat(server.output()).contains("storage:  filesystem " + data.resolve("registry"));
            server.stop();
        }
        assertThat(Processes.runningFrom(data.resolve("run/postgres-binaries"))).isEmpty();
    }
}
