package dev.berth.deploy.system;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's headless Chromium (installed by .ci/run), run once per page: renders the page with its
 * JavaScript and returns the DOM, or saves a screenshot under target/screenshots.
 */
final class Chromium {

    private static final Path EXECUTABLE = Path.of("/usr/bin/chromium");

    private Chromium() {
    }

    static String dumpDom(String url, Path scratch) throws IOException, InterruptedException {
        return run(scratch, "--dump-dom", url);
    }

    static Path screenshot(String url, String name, Path scratch) throws IOException, InterruptedException {
        Path png = Files.createDirectories(Path.of("target", "screenshots")).resolve(name + ".png").toAbsolutePath();
        run(scratch, "--window-size=1280,800", "--screenshot=" + png, url);
        return png;
    }

    private static String run(Path scratch, String... args) throws IOException, InterruptedException {
        if (!Files.isExecutable(EXECUTABLE)) {
            throw new AssertionError(EXECUTABLE + " is missing: apt-get install chromium (as .ci/run does)");
        }
        Path profile = Files.createTempDirectory(scratch, "chromium-");
        List<String> command = new ArrayList<>(List.of(EXECUTABLE.toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile,
                // let Vaadin's client load and render the view before the DOM is taken
                "--virtual-time-budget=20000"));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(scratch, "chromium-", ".out");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("chromium did not finish within 120 s");
        }
        return Files.readString(out, StandardCharsets.UTF_8);
    }
}
