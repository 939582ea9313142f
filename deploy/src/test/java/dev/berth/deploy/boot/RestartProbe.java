package dev.berth.deploy.boot;

import com.sun.management.HotSpotDiagnosticMXBean;

import java.lang.management.ManagementFactory;

/** A main for {@link RestartTest}'s child JVMs: restarts as the server does, then says what it runs with. */
public final class RestartProbe {

    private RestartProbe() {
    }

    public static void main(String[] args) {
        BerthJar.restartWithDefaults();
        System.out.println("pid=" + ProcessHandle.current().pid());
        System.out.println("options=" + ManagementFactory.getRuntimeMXBean().getInputArguments());
        System.out.println("maxHeapMiB=" + Long.parseLong(ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                .getVMOption("MaxHeapSize").getValue()) / (1 << 20));
        System.out.println("args=" + String.join(",", args));
        System.out.println("env=" + System.getenv("BERTH_PROBE"));
        System.out.println("arenas=" + System.getenv("MALLOC_ARENA_MAX"));
    }
}
