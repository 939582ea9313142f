package dev.berth.deploy.system;

import dev.berth.adapters.db.SecretBox;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.concurrent.TimeUnit;

/**
 * The packaged berth.jar, started the way the README starts it ({@code java -jar berth.jar}) in a
 * working directory of its own, bound to loopback on a free port. Stopped with SIGTERM, as an
 * operator or systemd would.
 */
final class BerthProcess implements AutoCloseable {

    static final Duration READY_TIMEOUT = Duration.ofSeconds(480);
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NORMAL)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private final Process process;
    private final Path log;
    private final int port;
    private final long startedNanos;
    private final Path dataDirectory;

    private BerthProcess(Process process, Path log, int port, long startedNanos, Path dataDirectory) {
        this.process = process;
        this.log = log;
        this.port = port;
        this.startedNanos = startedNanos;
        this.dataDirectory = dataDirectory;
    }

    static Path jar() {
        String jar = System.getProperty("berth.jar");
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException("berth.jar not found (" + jar + "): run the system tests with mvn verify");
        }
        return Path.of(jar);
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /**
     * The JIT a test's own Berth runs with: C1 only. A boot then costs about a third less CPU (34 s
     * instead of 54 s on the 2-core CI machine) and the suite boots some forty times; these tests look
     * at behaviour, not peak speed. The shared Berth, which the load test measures, keeps the JVM's
     * default JIT.
     */
    static final List<String> QUICK_BOOT = List.of("-XX:TieredStopAtLevel=1");

    /**
     * Starts berth.jar on 127.0.0.1:{@code port} with {@link #QUICK_BOOT} and the AOT cache the build
     * trained for it (deploy/image/aot-cache.sh --here; a boot then takes about a sixth less); {@code
     * env} adds to (and may override) REGISTRY_HTTP_ADDR.
     */
    static BerthProcess start(Path workDirectory, int port, Map<String, String> env, String... args) throws IOException {
        return start(quickBoot(), workDirectory, port, env, args);
    }

    /**
     * As {@link #start(Path, int, Map, String...)}, without the open mode the tests default to: with no
     * auth setting, Berth requires logins as shipped (the generated admin first).
     */
    static BerthProcess startAsShipped(Path workDirectory, int port, Map<String, String> env, String... args)
            throws IOException {
        return run(javaCommand(quickBoot(), args), workDirectory, port, env, true, false);
    }

    /** {@link #QUICK_BOOT} and the AOT cache, when the build made one: to add JVM options to. */
    static List<String> quickBoot() {
        List<String> options = new ArrayList<>(QUICK_BOOT);
        Path cache = Path.of(System.getProperty("berth.test.aot", "missing"));
        if (Files.isRegularFile(cache)) {
            options.add("-XX:AOTCache=" + cache);
        }
        return options;
    }

    /** As {@link #start(Path, int, Map, String...)}, with these JVM options. */
    static BerthProcess start(List<String> jvmOptions, Path workDirectory, int port, Map<String, String> env,
            String... args) throws IOException {
        return run(javaCommand(jvmOptions, args), workDirectory, port, env);
    }

    private static List<String> javaCommand(List<String> jvmOptions, String... args) {
        List<String> command = new ArrayList<>(List.of(javaExecutable()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar().toString()));
        command.addAll(List.of(args));
        return command;
    }

    /**
     * As {@link #start(Path, int, Map, String...)}, with nothing put into the work directory first (no
     * PostgreSQL binaries linked in): for a test that checks what Berth itself creates.
     */
    static BerthProcess startUntouched(Path workDirectory, int port, Map<String, String> env) throws IOException {
        return run(List.of(javaExecutable(), "-jar", jar().toString()), workDirectory, port, env, false, true);
    }

    /**
     * Runs {@code command} (a JVM serving Berth on 127.0.0.1:{@code port}) in {@code workDirectory};
     * open (REGISTRY_AUTH=none) unless the test configures access itself, see {@link #openUnlessConfigured}.
     */
    static BerthProcess run(List<String> command, Path workDirectory, int port, Map<String, String> env) throws IOException {
        return run(command, workDirectory, port, env, true, true);
    }

    /** As {@link #run(List, Path, int, Map)}, with access control as shipped (logins required). */
    static BerthProcess runAsShipped(List<String> command, Path workDirectory, int port, Map<String, String> env)
            throws IOException {
        return run(command, workDirectory, port, env, true, false);
    }

    private static BerthProcess run(List<String> command, Path workDirectory, int port, Map<String, String> env,
                                    boolean seedBinaries, boolean openByDefault) throws IOException {
        Files.createDirectories(workDirectory);
        Path log = Files.createTempFile(workDirectory, "berth-", ".log");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDirectory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("REGISTRY_"));
        builder.environment().put("REGISTRY_HTTP_ADDR", "127.0.0.1:" + port);
        builder.environment().putAll(env);
        if (openByDefault) {
            builder.environment().putAll(openUnlessConfigured(command, env));
        }
        Path dataDirectory = PostgresBinariesTemplate.dataDirectory(workDirectory, env);
        if (seedBinaries) {
            PostgresBinariesTemplate.seed(dataDirectory);
        }
        return new BerthProcess(builder.start(), log, port, System.nanoTime(), dataDirectory);
    }

    /**
     * Most system tests look at the registry, not at logins: they run Berth open (REGISTRY_AUTH=none)
     * unless their environment sets a REGISTRY_AUTH* variable or their configuration file has an auth
     * section. The tests of the shipped default use {@link #startAsShipped}.
     */
    static Map<String, String> openUnlessConfigured(List<String> command, Map<String, String> env) {
        if (env.keySet().stream().anyMatch(k -> k.startsWith("REGISTRY_AUTH"))) {
            return Map.of();
        }
        int config = command.indexOf("--config");
        String file = config >= 0 && config + 1 < command.size() ? command.get(config + 1)
                : env.get("REGISTRY_CONFIGURATION_PATH");
        try {
            if (file != null && Files.isRegularFile(Path.of(file))
                    && Pattern.compile("(?m)^auth\\s*:").matcher(Files.readString(Path.of(file))).find()) {
                return Map.of();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of("REGISTRY_AUTH", "none");
    }

    /** The JVM running the tests (Temurin 25 under mvn verify) also runs Berth. */
    static String javaExecutable() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    /** Waits for {@code GET /v2/} to answer (200 open, 401 with logins required) and returns how long that took since start. */
    Duration awaitReady() throws InterruptedException, IOException {
        return awaitReady(READY_TIMEOUT);
    }

    /** The embedded PostgreSQL's superuser password of a zero-config Berth started in {@code work}. */
    static String embeddedDatabasePassword(Path work) {
        try {
            return Files.readString(work.resolve("berth-data/postgres/berth-pgpass")).strip().replaceFirst(".*:", "");
        } catch (IOException e) {
            throw new UncheckedIOException("no password file of the embedded database under " + work, e);
        }
    }

    /** The key that seals the secrets in the database of a Berth running in {@code work}. */
    static SecretBox secrets(Path work) {
        return SecretBox.keyFile(work.resolve("berth-data/secrets.key"));
    }

    /**
     * Waits for the log's "Berth ... started in" line, which promises that Berth serves: a request
     * sent right after it must be answered by Berth, not by a Payara still deploying.
     */
    Duration awaitStartedLine() throws InterruptedException, IOException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        Pattern started = Pattern.compile("Berth \\S+ started in \\d+\\.\\d s");
        while (System.nanoTime() < deadline) {
            if (started.matcher(output()).find()) {
                PostgresBinariesTemplate.keep(dataDirectory);
                return Duration.ofNanos(System.nanoTime() - startedNanos);
            }
            if (!process.isAlive()) {
                throw new AssertionError("Berth exited with " + process.exitValue() + " before it started:\n" + output());
            }
            Thread.sleep(20);
        }
        throw new AssertionError("Berth did not log that it started within " + READY_TIMEOUT + ":\n" + output());
    }

    /** As {@link #awaitReady()}, for tests that boot several times on a machine that may be busy. */
    Duration awaitReady(Duration timeout) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("Berth exited with " + process.exitValue() + " before it was ready:\n" + output());
            }
            try {
                int status = get("/v2/").statusCode();
                if (status == 200 || status == 401) {
                    PostgresBinariesTemplate.keep(dataDirectory);
                    return Duration.ofNanos(System.nanoTime() - startedNanos);
                }
            } catch (IOException notListeningYet) {
                // keep polling
            }
            Thread.sleep(200);
        }
        throw new AssertionError("Berth was not ready within " + timeout + ":\n" + output());
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30)).GET().build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** Waits for the process to end on its own (e.g. refused configuration) and returns its exit code. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("Berth did not exit within " + timeout);
        }
        // an operator command starts the embedded PostgreSQL too
        PostgresBinariesTemplate.keep(dataDirectory);
        return process.exitValue();
    }

    /** SIGTERM, then wait: Berth must stop by itself, embedded PostgreSQL included. */
    void stop() throws InterruptedException {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("Berth did not stop within 90 s of SIGTERM");
        }
    }

    /** SIGTERM without waiting: for a test that looks at the node while it drains. */
    void terminate() {
        process.destroy();
    }

    /** SIGKILL: a crash, an OOM kill; nothing gets to clean up. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    boolean alive() {
        return process.isAlive();
    }

    String output() throws IOException {
        return Files.readString(log);
    }

    /** Berth's data directory (berth-data under the work directory, unless configured elsewhere). */
    Path dataDirectory() {
        return dataDirectory;
    }

    int port() {
        return port;
    }

    /** The TCP addresses this JVM listens on (host:port, IPv4-mapped IPv6 shown as IPv4), from {@code ss}. */
    List<String> listeningAddresses() throws IOException, InterruptedException {
        return Processes.listeningAddresses(process.pid());
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(90, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
