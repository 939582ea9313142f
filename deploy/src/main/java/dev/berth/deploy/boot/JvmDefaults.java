package dev.berth.deploy.boot;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The JVM options the server runs with when the operator chose none of their own. The JVM's own
 * defaults size it for the whole machine: a maximum heap of a quarter of its memory, which G1 grows
 * into under load (775 MiB resident at peak on a 24 GiB machine), and G1's marking stack commits
 * 32 MiB before it is needed, and glibc keeps freed native memory. A registry streams its blobs and needs a small heap. A JVM cannot
 * change these once started, so the server starts the JVM again in the same process with them (see
 * ProcessImage); an option the operator gave wins, and {@code -Dberth.jvmDefaults=off} keeps the
 * JVM's own.
 */
final class JvmDefaults {

    /** The system property that marks a JVM Berth restarted, or one the operator opted out with. */
    static final String PROPERTY = "berth.jvmDefaults";
    static final String APPLIED = "-D" + PROPERTY + "=applied";
    /** The JVM sizes itself as if the machine had at most this much memory: a heap of at most a quarter. */
    static final long MEMORY = 1L << 30;
    /** glibc's malloc arenas, per core by default: a JVM's threads need few, each one costs resident memory. */
    static final String MALLOC_ARENAS = "MALLOC_ARENA_MAX";

    /** What the JVM's ergonomics derive the maximum (or initial) heap from. */
    private static final List<String> HEAP_CHOICES = List.of("-Xmx", "-Xms", "-XX:MaxHeapSize=", "-XX:InitialHeapSize=",
            "-XX:MaxRAM=", "-XX:MaxRAMPercentage=", "-XX:MinRAMPercentage=", "-XX:InitialRAMPercentage=",
            "-XX:MaxRAMFraction=", "-XX:MinRAMFraction=", "-XX:InitialRAMFraction=");
    private static final String MARK_STACK = "-XX:MarkStackSize=";
    private static final String TRIM = "-XX:TrimNativeHeapInterval=";

    private JvmDefaults() {
    }

    /**
     * The options to start the JVM again with, given the options it runs with ({@code
     * inputArguments}, the command line's and JAVA_TOOL_OPTIONS' alike) on a machine or container of
     * {@code totalMemory} bytes; empty when there is nothing to add or this JVM is Berth's restart.
     */
    static List<String> missing(List<String> inputArguments, long totalMemory) {
        if (given(inputArguments, List.of("-D" + PROPERTY + "="))) {
            return List.of();
        }
        List<String> options = new ArrayList<>();
        if (!given(inputArguments, HEAP_CHOICES)) {
            // a smaller container keeps its own limit (the JVM takes MaxRAM as given, not as a cap), 128 MiB at least
            options.add("-XX:MaxRAM=" + Math.max(Math.min(totalMemory, MEMORY), 1L << 27) / (1 << 20) + "m");
        }
        if (!given(inputArguments, List.of(MARK_STACK))) {
            // G1 grows the stack when a marking needs more (up to MarkStackSizeMax)
            options.add(MARK_STACK + "512k");
        }
        if (!given(inputArguments, List.of(TRIM))) {
            // glibc keeps what the boot freed (thousands of zip inflaters' windows while Payara loads
            // classes) in its arenas; trimming every 5 s gives it back, a few milliseconds each time
            options.add(TRIM + "5000");
        }
        if (!options.isEmpty()) {
            options.add(APPLIED);
        }
        return options;
    }

    /** Whether one of the JVM's options starts with one of {@code prefixes}. */
    private static boolean given(List<String> inputArguments, List<String> prefixes) {
        return inputArguments.stream().anyMatch(a -> prefixes.stream().anyMatch(a::startsWith));
    }

    /** The environment to start the JVM again with: {@code environment}, and two malloc arenas unless it sets them. */
    static List<String> environment(Map<String, String> environment) {
        List<String> variables = new ArrayList<>(environment.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
        if (!environment.containsKey(MALLOC_ARENAS)) {
            variables.add(MALLOC_ARENAS + "=2");
        }
        return variables;
    }
}
