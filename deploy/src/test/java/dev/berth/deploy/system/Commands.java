package dev.berth.deploy.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a real client (skopeo, podman, docker) and fails the test with its output when it fails. */
final class Commands {

    private Commands() {
    }

    record Result(int exitCode, String output) {
    }

    static String ok(Path scratch, Duration timeout, String... command) throws IOException, InterruptedException {
        return ok(scratch, timeout, Map.of(), command);
    }

    static String ok(Path scratch, Duration timeout, Map<String, String> env, String... command)
            throws IOException, InterruptedException {
        Result result = run(scratch, timeout, env, command);
        if (result.exitCode() != 0) {
            throw new AssertionError(String.join(" ", command) + " exited with " + result.exitCode() + ":\n" + result.output());
        }
        return result.output();
    }

    static Result run(Path scratch, Duration timeout, Map<String, String> env, String... command)
            throws IOException, InterruptedException {
        requireInstalled(command[0]);
        Path out = Files.createTempFile(scratch, "command-", ".out");
        ProcessBuilder builder = new ProcessBuilder(List.of(command)).redirectErrorStream(true).redirectOutput(out.toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout + ":\n" + Files.readString(out));
        }
        return new Result(process.exitValue(), Files.readString(out));
    }

    private static void requireInstalled(String executable) {
        boolean found = executable.contains("/") ? Files.isExecutable(Path.of(executable))
                : List.of(System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")).stream()
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, executable)));
        if (!found) {
            throw new AssertionError(executable + " is not installed: .ci/run installs it (apt-get install docker.io podman skopeo)");
        }
    }
}
