package dev.berth.deploy.launcher;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class LifecycleWatchdogTest {

    /** A JVM whose shutdown hangs (as Payara's was seen to): started, made ready, then told to exit. */
    public static void main(String[] args) throws Exception {
        LifecycleWatchdog.arm(Duration.ofMinutes(5), Duration.ofSeconds(1));
        System.setProperty(LifecycleWatchdog.READY_PROPERTY, "true");
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("stuck-shutdown").unstarted(() -> {
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException ignored) {
                // never interrupted: the hook hangs until the JVM halts
            }
        }));
        System.exit(0);
    }

    @Test
    void aShutdownThatHangsEndsInAHaltWithAThreadDumpAfterTheShutdownTimeout(@TempDir Path work) throws Exception {
        Path log = work.resolve("jvm.log");
        Process jvm = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), LifecycleWatchdogTest.class.getName())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean ended = jvm.waitFor(60, TimeUnit.SECONDS);
        jvm.destroyForcibly();
        String output = Files.readString(log, StandardCharsets.UTF_8);

        assertThat(ended).as("the JVM ended: " + output).isTrue();
        assertThat(jvm.exitValue()).as(output).isEqualTo(LifecycleWatchdog.SHUTDOWN_TIMEOUT_STATUS);
        assertThat(output).contains("not stopped within shutdown.timeout (1 s); halting")
                .contains("\"stuck-shutdown\"");
    }

    @Test
    void theThreadDumpShowsEveryThreadWithItsWholeStack() throws Exception {
        Object lock = new Object();
        Thread parked = Thread.ofPlatform().name("parked-deep-down").start(() -> deep(20, lock));
        Thread.sleep(200);
        try {
            String dump = LifecycleWatchdog.threadDump();

            assertThat(dump).contains("\"main\"").contains("\"parked-deep-down\"");
            String parkedThread = dump.substring(dump.indexOf("\"parked-deep-down\""));
            parkedThread = parkedThread.substring(0, parkedThread.indexOf("\n\n"));
            assertThat(parkedThread.lines().filter(l -> l.contains("LifecycleWatchdogTest.deep")).count())
                    .as("more frames than ThreadInfo.toString's 8").isGreaterThan(20);
            assertThat(parkedThread).contains("- locked java.lang.Object@");
        } finally {
            parked.interrupt();
            parked.join();
        }
    }

    private static void deep(int depth, Object lock) {
        if (depth > 0) {
            deep(depth - 1, lock);
            return;
        }
        synchronized (lock) {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
