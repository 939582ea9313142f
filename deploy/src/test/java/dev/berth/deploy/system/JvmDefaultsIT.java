package dev.berth.deploy.system;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code java -jar berth.jar} with no JVM options (the shared Berth is started so) runs with Berth's
 * defaults: the process the test started, the same PID, now runs a JVM with a heap of at most 256 MiB
 * (deployment.md#memory), and the start-up summary says so.
 */
@ResourceLock(SharedBerth.LOCK)
class JvmDefaultsIT {

    @Test
    void aBerthStartedWithoutJvmOptionsRunsOnWithBerthsDefaults() throws Exception {
        BerthProcess berth = SharedBerth.get();

        String commandLine = new String(Files.readAllBytes(Path.of("/proc", Long.toString(berth.pid()), "cmdline")),
                StandardCharsets.UTF_8).replace('\0', ' ');
        assertThat(commandLine).contains(" -XX:MaxRAM=1024m -XX:MarkStackSize=512k -XX:TrimNativeHeapInterval=5000 -Dberth.jvmDefaults=applied -jar ");
        assertThat(berth.output())
                .contains("jvm:      max heap 256 MiB, G1 collector (Berth's defaults, deployment.md#memory)")
                .doesNotContain("not restarted with")
                .doesNotContain("restricted method");
    }
}
