package dev.berth.deploy.launcher;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Gives back the heap the boot used and no longer needs: G1 keeps what Payara's deployment touched
 * committed, up to the maximum heap (Berth's default of 256 MiB, see the boot package's JvmDefaults,
 * or the operator's), which an idle registry never uses again. Once Berth serves, the launcher lowers
 * the free-heap ratios G1 shrinks to, collects once, and lets G1 run a collection when idle for a
 * minute, so resident memory follows what is live. An option set on the command line wins.
 */
final class IdleHeap {

    private static final Logger LOG = Logger.getLogger(IdleHeap.class.getName());
    /** Manageable flags (settable while the JVM runs) and the values Berth prefers. */
    private static final Map<String, String> PREFERRED = Map.of(
            "MinHeapFreeRatio", "10",
            "MaxHeapFreeRatio", "30",
            "G1PeriodicGCInterval", "60000");

    private IdleHeap() {
    }

    static void trimAfterStart() {
        HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        // in this order: MaxHeapFreeRatio may not go below MinHeapFreeRatio
        for (String flag : List.of("MinHeapFreeRatio", "MaxHeapFreeRatio", "G1PeriodicGCInterval")) {
            try {
                if (hotspot.getVMOption(flag).getOrigin() == VMOption.Origin.DEFAULT) {
                    hotspot.setVMOption(flag, PREFERRED.get(flag));
                }
            } catch (RuntimeException e) {
                // another collector, or a JVM without the flag: that part stays as the JVM keeps it
                LOG.fine(() -> "Not set after start: " + flag + ": " + e);
            }
        }
        System.gc();
    }
}
