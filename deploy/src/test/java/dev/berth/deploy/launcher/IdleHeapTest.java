package dev.berth.deploy.launcher;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * After start the JVM's free-heap ratios are Berth's (unless given on the command line) and the
 * committed heap shrinks to what is live, plus a margin.
 */
class IdleHeapTest {

    @Test
    void theHeapTheBootTouchedIsGivenBack() {
        HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        // what a boot leaves: garbage that grew the committed heap
        for (int i = 0; i < 200; i++) {
            byte[] garbage = new byte[1 << 20];
            garbage[i] = 1;
        }

        IdleHeap.trimAfterStart();

        for (String flag : new String[] {"MinHeapFreeRatio", "MaxHeapFreeRatio", "G1PeriodicGCInterval"}) {
            VMOption option = hotspot.getVMOption(flag);
            assertThat(option.getOrigin()).as(flag).isIn(VMOption.Origin.MANAGEMENT, VMOption.Origin.VM_CREATION);
        }
        if (hotspot.getVMOption("MaxHeapFreeRatio").getOrigin() == VMOption.Origin.MANAGEMENT) {
            assertThat(hotspot.getVMOption("MaxHeapFreeRatio").getValue()).isEqualTo("30");
            long used = memory.getHeapMemoryUsage().getUsed();
            long committed = memory.getHeapMemoryUsage().getCommitted();
            // G1 keeps regions and a young generation; what matters is that the 200 MB are not kept
            assertThat(committed).as("committed heap after the trim, %d bytes used", used)
                    .isLessThan(used + (120L << 20));
        }
    }
}
