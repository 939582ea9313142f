package dev.berth.deploy.service;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * deploy/systemd/berth.service as systemd reads it: {@code systemd-analyze verify} (Debian's systemd)
 * finds nothing to say, and {@code systemd-analyze security --offline} rates its sandbox "OK". Both
 * run against a root directory laid out as the unit's header installs Berth (its Java, its jar), with
 * the system's targets, so the unit is checked exactly as shipped. Running it needs systemd as PID 1,
 * which this machine's container does not have: see deploy/docs/deployment.md.
 */
class SystemdUnitTest {

    private static final Path UNIT = Path.of("systemd", "berth.service");
    private static final Path SYSTEM_UNITS = Path.of("/usr/lib/systemd/system");
    private static final Pattern EXPOSURE = Pattern.compile("Overall exposure level for berth\\.service: (\\d+\\.\\d)");

    @TempDir
    Path root;

    @BeforeEach
    void installAsTheUnitSays() throws IOException {
        Path units = Files.createDirectories(root.resolve("etc/systemd/system"));
        Files.copy(UNIT, units.resolve("berth.service"));
        Path java = Files.createDirectories(root.resolve("opt/berth/java/bin")).resolve("java");
        Files.copy(Path.of(System.getProperty("java.home"), "bin", "java"), java);
        Files.writeString(root.resolve("opt/berth/berth.jar"), "");
        // the targets and slices the unit's default dependencies name
        Path system = Files.createDirectories(root.resolve("usr/lib/systemd/system"));
        try (Stream<Path> files = Files.list(SYSTEM_UNITS)) {
            for (Path unit : files.filter(Files::isRegularFile)
                    .filter(f -> f.toString().endsWith(".target") || f.toString().endsWith(".slice")).toList()) {
                Files.copy(unit, system.resolve(unit.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }

    @Test
    void systemdFindsNothingToSayAboutTheUnit() throws Exception {
        Result verify = systemdAnalyze("verify", "--root=" + root, "berth.service");
        assertThat(verify.output()).as("warnings and errors").isEmpty();
        assertThat(verify.exitCode()).isZero();
    }

    @Test
    void aWarningIsNotOverlooked() throws Exception {
        Path unit = root.resolve("etc/systemd/system/berth.service");
        Files.writeString(unit, Files.readString(unit).replace("Restart=always", "Restart=sometimes"));
        assertThat(systemdAnalyze("verify", "--root=" + root, "berth.service").output())
                .contains("Failed to parse service restart specifier");
    }

    @Test
    void theSandboxIsRatedOk() throws Exception {
        Result security = systemdAnalyze("security", "--offline=true", "--root=" + root, "berth.service");
        Matcher exposure = EXPOSURE.matcher(security.output());
        assertThat(exposure.find()).as(security.output()).isTrue();
        // systemd's scale: 0 best, 10 worst, up to 2.0 "OK"; the unit without its sandbox settings scores 9.2
        assertThat(Double.parseDouble(exposure.group(1))).as(security.output()).isLessThanOrEqualTo(2.0);
        assertThat(security.output()).contains("✓ NoNewPrivileges=").contains("✓ ProtectSystem=")
                .contains("✓ CapabilityBoundingSet=~CAP_SYS_ADMIN");
    }

    private record Result(int exitCode, String output) {
    }

    private static Result systemdAnalyze(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("systemd-analyze"));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
        byte[] output = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8).strip());
    }
}
