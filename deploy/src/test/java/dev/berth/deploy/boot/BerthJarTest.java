package dev.berth.deploy.boot;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class BerthJarTest {

    @TempDir
    Path temporary;

    @Test
    void theServerUnpacksPayaraIntoADirectoryOfItsOwnAndRemovesThoseOfDeadProcesses() throws Exception {
        long dead = ProcessHandle.current().pid() + 1_000_000;
        Path deadRuntime = Files.createDirectories(temporary.resolve("berth-runtime-" + dead + "/runtime"));
        Files.writeString(deadRuntime.resolve("payara.jar"), "96 MB");
        long alive = ProcessHandle.current().parent().orElseThrow().pid();
        Path aliveRuntime = Files.createDirectories(temporary.resolve("berth-runtime-" + alive));
        Path other = Files.createDirectories(temporary.resolve("berth-runtime-notes"));
        // a restarted container's Berth has the PID of the one before it
        Path ownStale = Files.createDirectories(temporary.resolve("berth-runtime-42/lib"));

        List<String> launch = BerthJar.arguments(new String[]{"--config", "c.yml"}, temporary, 42);

        Path runtime = temporary.resolve("berth-runtime-42");
        assertThat(launch).containsExactly("--config", "c.yml", "--unpackdir", runtime.toString());
        assertThat(runtime).isEmptyDirectory();
        assertThat(ownStale).doesNotExist();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(runtime))).isEqualTo("rwx------");
        assertThat(temporary.resolve("berth-runtime-" + dead)).as("a killed Berth's").doesNotExist();
        assertThat(aliveRuntime).as("a running process's").exists();
        assertThat(other).as("not a runtime directory").exists();
    }

    @Test
    void commandsAndTheHealthCheckUnpackNothing() throws Exception {
        for (String command : List.of("health", "users", "check", "gc", "import-registry")) {
            assertThat(BerthJar.arguments(new String[]{command, "x"}, temporary, 7)).containsExactly(command, "x", "--nested");
        }
        assertThat(temporary).isEmptyDirectory();
    }

    @Test
    void anUnpackChoiceOfTheOperatorsStands() throws Exception {
        for (String option : List.of("--unpackdir", "--rootDir", "--nested")) {
            assertThat(BerthJar.arguments(new String[]{option, "/opt/payara"}, temporary, 7))
                    .containsExactly(option, "/opt/payara");
        }
        assertThat(temporary).isEmptyDirectory();
    }
}
