package dev.berth.deploy.launcher;

import java.io.PrintStream;
import java.lang.management.LockInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.MonitorInfo;
import java.lang.management.ThreadInfo;
import java.time.Duration;

/**
 * Bounds berth.jar's start and stop, because a supervisor (systemd, Docker, Kubernetes) can only
 * restart a Berth that exits. Payara's parallel boot has been seen to hang for good, its port bound
 * but never answering, and the hung JVM ignored SIGTERM. So: not ready within the start-up timeout
 * → a full thread dump and exit status {@value #STARTUP_TIMEOUT_STATUS}; still running the shutdown
 * timeout after SIGTERM (or any exit) began → a thread dump and a halt.
 */
final class LifecycleWatchdog {

    /** Set (to "true") by the application once it serves: the end of its start. */
    static final String READY_PROPERTY = "berth.ready";
    static final int STARTUP_TIMEOUT_STATUS = 3;
    /** As a JVM stopped by SIGTERM reports. */
    static final int SHUTDOWN_TIMEOUT_STATUS = 143;
    private static final long POLL_MILLIS = 100;

    private LifecycleWatchdog() {
    }

    static void arm(Duration startupTimeout, Duration shutdownTimeout) {
        Thread.ofPlatform().name("berth-startup-watchdog").daemon().start(() -> {
            long deadline = System.nanoTime() + startupTimeout.toNanos();
            try {
                while (System.getProperty(READY_PROPERTY) == null) {
                    if (System.nanoTime() - deadline >= 0) {
                        PrintStream err = System.err;
                        err.println("berth: not ready within startup.timeout (" + startupTimeout.toSeconds()
                                + " s); exiting with status " + STARTUP_TIMEOUT_STATUS + " so that a supervisor"
                                + " can restart Berth. Threads:\n" + threadDump());
                        err.flush();
                        System.exit(STARTUP_TIMEOUT_STATUS);
                        return;
                    }
                    Thread.sleep(POLL_MILLIS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        // a hook must not wait itself (the JVM waits for every hook): it starts a daemon that halts
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("berth-shutdown-bound").unstarted(() ->
                Thread.ofPlatform().name("berth-shutdown-watchdog").daemon().start(() -> {
                    try {
                        Thread.sleep(shutdownTimeout.toMillis());
                    } catch (InterruptedException e) {
                        return;
                    }
                    System.err.println("berth: not stopped within shutdown.timeout (" + shutdownTimeout.toSeconds()
                            + " s); halting. Threads:\n" + threadDump());
                    System.err.flush();
                    Runtime.getRuntime().halt(SHUTDOWN_TIMEOUT_STATUS);
                })));
    }

    /** Every thread with its whole stack and the locks it holds or waits for (ThreadInfo.toString stops at 8 frames). */
    static String threadDump() {
        StringBuilder dump = new StringBuilder();
        for (ThreadInfo thread : ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
            dump.append('"').append(thread.getThreadName()).append("\" #").append(thread.getThreadId())
                    .append(thread.isDaemon() ? " daemon" : "").append(' ').append(thread.getThreadState());
            if (thread.getLockName() != null) {
                dump.append(" on ").append(thread.getLockName());
            }
            if (thread.getLockOwnerName() != null) {
                dump.append(" owned by \"").append(thread.getLockOwnerName()).append('"');
            }
            dump.append('\n');
            StackTraceElement[] stack = thread.getStackTrace();
            for (int i = 0; i < stack.length; i++) {
                dump.append("\tat ").append(stack[i]).append('\n');
                for (MonitorInfo monitor : thread.getLockedMonitors()) {
                    if (monitor.getLockedStackDepth() == i) {
                        dump.append("\t- locked ").append(monitor).append('\n');
                    }
                }
            }
            for (LockInfo lock : thread.getLockedSynchronizers()) {
                dump.append("\t- holds ").append(lock).append('\n');
            }
            dump.append('\n');
        }
        return dump.toString();
    }
}
