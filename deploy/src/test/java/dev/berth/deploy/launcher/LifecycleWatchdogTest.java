package dev.berth.deploy.launcher;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LifecycleWatchdogTest {

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
