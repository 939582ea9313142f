package dev.berth.deploy.boot;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server's restart with {@link JvmDefaults}, in real child JVMs of this test's JDK: the same
 * process (PID, standard streams, arguments, environment) runs on with Berth's options, or with
 * the operator's where they gave their own.
 */
class RestartTest {

    @Test
    void aJvmWithoutOptionsRunsOnInTheSameProcessWithBerthsDefaults() throws Exception {
        Run run = probe(List.of(), "serve", "berth.yml");

        assertThat(run.line("pid")).as("execve keeps the process").isEqualTo(Long.toString(run.pid));
        assertThat(run.line("options")).contains("-XX:MaxRAM=1024m", "-XX:MarkStackSize=512k", "-XX:TrimNativeHeapInterval=5000",
                "-Dberth.jvmDefaults=applied");
        assertThat(Long.parseLong(run.line("maxHeapMiB"))).isEqualTo(256);
        assertThat(run.line("args")).isEqualTo("serve,berth.yml");
        assertThat(run.line("env")).isEqualTo("kept");
        assertThat(run.line("arenas")).isEqualTo("2");
        assertThat(run.output).doesNotContain("WARNING").doesNotContain("not restarted");
    }

    @Test
    void theOperatorsHeapStands() throws Exception {
        Run run = probe(List.of("-Xmx96m"));

        assertThat(run.line("pid")).isEqualTo(Long.toString(run.pid));
        assertThat(run.line("options")).contains("-XX:MarkStackSize=512k", "-Xmx96m").doesNotContain("MaxRAM");
        assertThat(Long.parseLong(run.line("maxHeapMiB"))).isEqualTo(96);
    }

    @Test
    void anOptOutKeepsTheJvmsOwnDefaults() throws Exception {
        Run run = probe(List.of("-Dberth.jvmDefaults=off"));

        assertThat(run.line("options")).doesNotContain("MaxRAM").doesNotContain("MarkStackSize");
        assertThat(run.line("arenas")).isEqualTo("null");
    }

    private record Run(long pid, String output) {
        String line(String key) {
            return output.lines().filter(l -> l.startsWith(key + "=")).map(l -> l.substring(key.length() + 1))
                    .findFirst().orElseThrow(() -> new AssertionError(key + " missing in:\n" + output));
        }
    }

    private static Run probe(List<String> options, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow()));
        command.addAll(options);
        command.addAll(List.of("--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                RestartProbe.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("BERTH_PROBE", "kept");
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        builder.environment().remove("JDK_JAVA_OPTIONS");
        builder.environment().remove("MALLOC_ARENA_MAX");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return new Run(process.pid(), output);
    }
}
