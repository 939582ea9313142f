package dev.berth.deploy.system;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A bad value stops berth.jar before anything boots, with a message that names the key. */
class ConfigRefusalIT {

    @TempDir
    Path work;

    @Test
    void invalidEnvironmentValueIsNamed() throws Exception {
        try (BerthProcess berth = BerthProcess.startUntouched(work, BerthProcess.freePort(),
                Map.of("REGISTRY_HTTP_ADDR", "no-port-here"))) {
            assertThat(berth.awaitExit(Duration.ofSeconds(60))).isEqualTo(2);
            assertThat(berth.output())
                    .contains("http.addr: expected [host]:port")
                    .contains("found 'no-port-here' (from environment variable REGISTRY_HTTP_ADDR)")
                    .contains("not started");
        }
        assertThat(work.resolve("berth-data")).as("nothing created").doesNotExist();
    }

    @Test
    void invalidFileValueIsNamed() throws Exception {
        Path config = Files.writeString(work.resolve("config.yml"), """
                storage:
                  delete:
                    enabled: perhaps
                """);
        try (BerthProcess berth = BerthProcess.start(work, BerthProcess.freePort(),
                Map.of("REGISTRY_CONFIGURATION_PATH", config.toString()))) {
            assertThat(berth.awaitExit(Duration.ofSeconds(60))).isEqualTo(2);
            assertThat(berth.output()).contains("storage.delete.enabled: expected true or false, found 'perhaps'");
        }
    }

    /**
     * A start that hangs must end so that a supervisor can restart it: with a 2-second start-up
     * timeout berth.jar is never ready in time, so it logs where every thread is and exits 3.
     */
    @Test
    void aStartThatIsNotReadyInTimeEndsWithAThreadDump() throws Exception {
        try (BerthProcess berth = BerthProcess.start(work, BerthProcess.freePort(),
                Map.of("REGISTRY_STARTUP_TIMEOUT", "2"))) {
            assertThat(berth.awaitExit(Duration.ofSeconds(120))).isEqualTo(3);
            assertThat(berth.output())
                    .contains("berth: not ready within startup.timeout (2 s); exiting with status 3")
                    .contains("\"main\" #")
                    .contains("\tat dev.berth.deploy.launcher.BerthLauncher.main");
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        Path binaries = work.resolve("berth-data/run/postgres-binaries");
        while (!Processes.runningFrom(binaries).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(Processes.runningFrom(binaries)).as("no postgres left behind").isEmpty();
    }

    @Test
    void unknownArgumentIsRefusedWithUsage() throws Exception {
        try (BerthProcess berth = BerthProcess.start(work, BerthProcess.freePort(), Map.of(), "--prot", "80")) {
            assertThat(berth.awaitExit(Duration.ofSeconds(60))).isEqualTo(2);
            assertThat(berth.output()).contains("unknown argument '--prot'").contains("Usage: java -jar berth.jar");
        }
    }

    @Test
    void aKeyThatDoesNotBelongToTheCertificateStopsStartBeforeTheBoot() throws Exception {
        for (String name : new String[] {"a", "b"}) {
            Commands.ok(work, Duration.ofSeconds(60), "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:P-256", "-nodes", "-keyout", work.resolve(name + ".key").toString(),
                    "-out", work.resolve(name + ".crt").toString(), "-subj", "/CN=" + name, "-days", "30",
                    "-addext", "subjectAltName=DNS:" + name + ".example");
        }
        try (BerthProcess berth = BerthProcess.start(work, BerthProcess.freePort(),
                Map.of("REGISTRY_HTTP_TLS_CERTIFICATE", work.resolve("a.crt").toString(),
                        "REGISTRY_HTTP_TLS_KEY", work.resolve("b.key").toString()))) {
            assertThat(berth.awaitExit(Duration.ofSeconds(60))).isEqualTo(2);
            assertThat(berth.output())
                    .contains("http.tls.certificate, http.tls.key: the private key does not belong to the certificate")
                    .contains("not started");
        }
    }
}
