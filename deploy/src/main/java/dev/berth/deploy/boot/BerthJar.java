package dev.berth.deploy.boot;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.reflect.InvocationTargetException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * berth.jar's Main-Class, run before Payara Micro's boot loader, which unpacks Payara's runtime
 * (96 MB) into a fresh {@code java.io.tmpdir/payaramicro-rt<random>tmp} at every start and deletes it
 * only on an orderly exit: each kill -9, OOM kill or power loss left 96 MB in /tmp for good.
 * <ul>
 * <li>The server unpacks into {@code berth-runtime-<pid>} there instead; a start removes the
 * directories of processes that are gone, and an orderly exit its own.</li>
 * <li>Operator commands and {@code health} (a container's health check runs every 30 s) unpack
 * nothing: Payara's loader reads the runtime from inside berth.jar, which costs serving a
 * Payara boot its speed but saves a command the write.</li>
 * </ul>
 * Before either, the server's JVM starts again with {@link JvmDefaults} when the operator chose no
 * heap size of their own.
 * Plain JDK only: it runs before any of Berth's or Payara's libraries are on the class path.
 */
public final class BerthJar {

    static final String RUNTIME_PREFIX = "berth-runtime-";
    private static final Set<String> COMMANDS = Set.of("health", "users", "check", "gc", "import-registry");
    /** Arguments of Payara's boot loader that choose where (or whether) it unpacks: the operator's choice stands. */
    private static final Set<String> UNPACK_OPTIONS = Set.of("--nested", "--unpackdir", "--rootdir");
    private static final String PAYARA_BOOT = "fish.payara.micro.PayaraMicro";
    /** Set by Payara's boot loader to the directory it unpacked the runtime into. */
    private static final String UNPACKED_PROPERTY = "fish.payara.micro.UnpackDir";

    private BerthJar() {
    }

    public static void main(String[] args) throws Throwable {
        if (args.length == 0 || !COMMANDS.contains(args[0])) {
            restartWithDefaults();
        }
        List<String> launch = arguments(args, Path.of(System.getProperty("java.io.tmpdir")), ProcessHandle.current().pid());
        try {
            Class.forName(PAYARA_BOOT).getMethod("main", String[].class).invoke(null, (Object) launch.toArray(String[]::new));
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /**
     * Starts this JVM again, in this process, with {@link JvmDefaults}' options before the operator's
     * own. Returns when there are none to add; before JDK 22, off Linux or under another launcher than
     * java's (the start summary then shows the JVM's own sizes); or when the restart failed, said on
     * standard error.
     */
    static void restartWithDefaults() {
        Path commandLine = Path.of("/proc/self/cmdline");
        if (Runtime.version().feature() < 22 || !Files.isReadable(commandLine)
                || !"SUN_STANDARD".equals(System.getProperty("sun.java.launcher"))) {
            return; // the foreign function API is final in JDK 22; /proc is Linux's; jsvc and the like are not java
        }
        List<String> options = JvmDefaults.missing(ManagementFactory.getRuntimeMXBean().getInputArguments(),
                ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize());
        if (options.isEmpty()) {
            return;
        }
        IOException failure;
        try {
            List<String> argv = new ArrayList<>(List.of(new String(Files.readAllBytes(commandLine), StandardCharsets.UTF_8).split("\0")));
            argv.addAll(1, options);
            String executable = ProcessHandle.current().info().command().orElseThrow(() -> new IOException("no executable"));
            failure = replaceProcess(executable, argv, JvmDefaults.environment(System.getenv()));
        } catch (IOException e) {
            failure = e;
        }
        System.err.println("berth: not restarted with " + String.join(" ", options) + ", the JVM keeps its own defaults: " + failure);
    }

    /** {@code ProcessImage.replace}, compiled for JDK 22 and later, or why it is not there. */
    static IOException replaceProcess(String executable, List<String> argv, List<String> environment) {
        try {
            return (IOException) Class.forName("dev.berth.deploy.boot.ProcessImage")
                    .getMethod("replace", String.class, List.class, List.class).invoke(null, executable, argv, environment);
        } catch (ReflectiveOperationException | LinkageError e) {
            return new IOException("this berth.jar was built by a JDK older than 22", e);
        }
    }

    /** Payara's boot arguments for Berth's {@code args}; for the server, its runtime directory made ready. */
    static List<String> arguments(String[] args, Path temporary, long pid) throws IOException {
        // after Berth's own: its command comes first, and it skips what Payara's loader consumed
        List<String> launch = new ArrayList<>(List.of(args));
        boolean chosen = Stream.of(args).anyMatch(a -> UNPACK_OPTIONS.contains(a.toLowerCase()));
        if (!chosen && args.length > 0 && COMMANDS.contains(args[0])) {
            launch.add("--nested");
        } else if (!chosen) {
            launch.add("--unpackdir");
            launch.add(runtimeDirectory(temporary, pid).toString());
        }
        return launch;
    }

    /**
     * An empty {@code berth-runtime-<pid>}, after removing those of processes that are gone. A
     * directory named with this process's own PID is a dead one's too: in a restarted container,
     * Berth is PID 1 again.
     */
    static Path runtimeDirectory(Path temporary, long pid) throws IOException {
        try (Stream<Path> children = Files.list(temporary)) {
            for (Path child : children.toList()) {
                String name = child.getFileName().toString();
                if (name.matches(RUNTIME_PREFIX + "\\d+")) {
                    long owner = Long.parseLong(name.substring(RUNTIME_PREFIX.length()));
                    if (owner == pid || ProcessHandle.of(owner).isEmpty()) {
                        deleteQuietly(child);
                    }
                }
            }
        }
        return Files.createDirectory(temporary.resolve(RUNTIME_PREFIX + pid),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }

    /**
     * Has the JVM delete this process's runtime directory when it exits in order. The JDK deletes
     * such files after every shutdown hook has run (Payara's and the embedded PostgreSQL's still
     * load classes from there), children before their directories.
     */
    public static void removeRuntimeAtExit() throws IOException {
        String unpacked = System.getProperty(UNPACKED_PROPERTY);
        if (unpacked == null
                || !Path.of(unpacked).getFileName().toString().equals(RUNTIME_PREFIX + ProcessHandle.current().pid())) {
            return; // the operator's --unpackdir, or none: not Berth's to delete
        }
        try (Stream<Path> paths = Files.walk(Path.of(unpacked))) {
            paths.forEach(p -> p.toFile().deleteOnExit());
        }
    }

    /** Another user's directory in a shared /tmp cannot be removed, and need not stop a start. */
    private static void deleteQuietly(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | SecurityException e) {
            System.err.println("berth: could not remove " + directory + ", a runtime left by a process that is gone: " + e);
        }
    }
}
