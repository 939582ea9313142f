package dev.berth.deploy.boot;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class JvmDefaultsTest {

    private static final long GIB = 1L << 30;

    @Test
    void aJvmStartedWithoutOptionsGetsASmallHeapAndMarkingStackAndTrimsMalloc() {
        assertThat(JvmDefaults.missing(List.of(), 24 * GIB))
                .containsExactly("-XX:MaxRAM=1024m", "-XX:MarkStackSize=512k", "-XX:TrimNativeHeapInterval=5000", "-Dberth.jvmDefaults=applied");
        assertThat(JvmDefaults.missing(List.of("-XX:TieredStopAtLevel=1", "-Dfoo=bar"), 24 * GIB))
                .containsExactly("-XX:MaxRAM=1024m", "-XX:MarkStackSize=512k", "-XX:TrimNativeHeapInterval=5000", "-Dberth.jvmDefaults=applied");
    }

    @Test
    void aSmallerMachineOrContainerKeepsItsOwnMemoryAsTheBase() {
        assertThat(JvmDefaults.missing(List.of(), 512L << 20)).first().isEqualTo("-XX:MaxRAM=512m");
    }

    @Test
    void theOperatorsChoicesWin() {
        for (String heap : List.of("-Xmx2g", "-Xms64m", "-XX:MaxRAMPercentage=50", "-XX:MaxRAM=4g", "-XX:MaxHeapSize=1g")) {
            assertThat(JvmDefaults.missing(List.of(heap), 24 * GIB)).as(heap)
                    .containsExactly("-XX:MarkStackSize=512k", "-XX:TrimNativeHeapInterval=5000", "-Dberth.jvmDefaults=applied");
        }
        assertThat(JvmDefaults.missing(List.of("-Xmx1g", "-XX:MarkStackSize=4m", "-XX:TrimNativeHeapInterval=0"), 24 * GIB))
                .isEmpty();
    }

    @Test
    void aRestartedJvmOrAnOptOutIsNotStartedAgain() {
        assertThat(JvmDefaults.missing(List.of("-XX:MaxRAM=1024m", "-Dberth.jvmDefaults=applied"), 24 * GIB)).isEmpty();
        assertThat(JvmDefaults.missing(List.of("-Dberth.jvmDefaults=off"), 24 * GIB)).isEmpty();
    }

    @Test
    void theEnvironmentGetsTwoMallocArenasUnlessItSetsThem() {
        assertThat(JvmDefaults.environment(Map.of("PATH", "/bin"))).containsExactlyInAnyOrder("PATH=/bin", "MALLOC_ARENA_MAX=2");
        assertThat(JvmDefaults.environment(Map.of("MALLOC_ARENA_MAX", "8"))).containsExactly("MALLOC_ARENA_MAX=8");
    }
}
