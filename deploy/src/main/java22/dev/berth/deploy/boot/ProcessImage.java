package dev.berth.deploy.boot;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Replaces this process's program with another, in place (execve): same PID, same parent, same
 * standard streams, so a supervisor (systemd, a container runtime, a shell's job control) sees
 * one process from start to exit. Compiled for JDK 22 (the foreign function API); BerthJar loads
 * it only there, and only on Linux.
 */
public final class ProcessImage {

    private static final int SIG_SETMASK = 2;
    private static final int F_SETFD = 2;
    private static final int FD_CLOEXEC = 1;
    /** glibc's sigset_t. */
    private static final long SIGSET_BYTES = 128;

    private ProcessImage() {
    }

    /**
     * Runs {@code executable} with {@code argv} and {@code environment} ("NAME=value") in this
     * process; returns only when that failed, with the reason.
     */
    public static IOException replace(String executable, List<String> argv, List<String> environment) {
        Linker linker = Linker.nativeLinker();
        try (Arena arena = Arena.ofConfined()) {
            MethodHandle execve = function(linker, "execve", FunctionDescriptor.of(ValueLayout.JAVA_INT,
                    ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS), Linker.Option.captureCallState("errno"));
            MethodHandle fcntl = function(linker, "fcntl", FunctionDescriptor.of(ValueLayout.JAVA_INT,
                    ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), Linker.Option.firstVariadicArg(2));
            MethodHandle sigprocmask = function(linker, "sigprocmask", FunctionDescriptor.of(ValueLayout.JAVA_INT,
                    ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
            // the files this JVM opened (its class path, the JDK's modules) are not the new one's
            for (int fd : openDescriptors()) {
                int ignored = (int) fcntl.invokeExact(fd, F_SETFD, FD_CLOEXEC);
            }
            // the JVM blocks SIGQUIT in its Java threads; the new program starts as a shell would start it
            int unblocked = (int) sigprocmask.invokeExact(SIG_SETMASK, arena.allocate(SIGSET_BYTES), MemorySegment.NULL);
            MemorySegment state = arena.allocate(Linker.Option.captureStateLayout());
            int result = (int) execve.invokeExact(state, arena.allocateFrom(executable), strings(arena, argv),
                    strings(arena, environment));
            VarHandle errno = Linker.Option.captureStateLayout().varHandle(MemoryLayout.PathElement.groupElement("errno"));
            return new IOException("execve " + executable + " failed (" + result + ", errno " + (int) errno.get(state, 0L) + ")");
        } catch (Throwable e) {
            return new IOException("execve " + executable + " failed", e);
        }
    }

    private static MethodHandle function(Linker linker, String name, FunctionDescriptor descriptor, Linker.Option... options) {
        MemorySegment address = linker.defaultLookup().find(name).orElseThrow(() -> new IllegalStateException(name + " not found"));
        return linker.downcallHandle(address, descriptor, options);
    }

    /** A NULL-terminated array of C strings. */
    private static MemorySegment strings(Arena arena, List<String> values) {
        MemorySegment array = arena.allocate(ValueLayout.ADDRESS, values.size() + 1L);
        for (int i = 0; i < values.size(); i++) {
            array.setAtIndex(ValueLayout.ADDRESS, i, arena.allocateFrom(values.get(i)));
        }
        array.setAtIndex(ValueLayout.ADDRESS, values.size(), MemorySegment.NULL);
        return array;
    }

    /** Descriptors above standard error, from /proc/self/fd. */
    private static int[] openDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.mapToInt(p -> Integer.parseInt(p.getFileName().toString())).filter(fd -> fd > 2).toArray();
        }
    }
}
