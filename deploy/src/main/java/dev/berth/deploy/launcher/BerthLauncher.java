package dev.berth.deploy.launcher;

import dev.berth.deploy.boot.BerthJar;
import dev.berth.deploy.config.BerthConfig;
import dev.berth.deploy.config.ConfigException;
import dev.berth.deploy.config.ConfigLoader;
import dev.berth.deploy.config.HttpAddress;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.reflect.InvocationTargetException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.logging.LogManager;
import java.util.logging.Logger;

/**
 * The Start-Class of berth.jar: reads and validates Berth's configuration before anything boots
 * (a bad value fails in milliseconds, naming the key), then starts Payara Micro bound to
 * {@code http.addr}, quiet, without clustering, with Berth's WAR at the context root.
 */
public final class BerthLauncher {

    /** GlassFish's switch between its threaded start-up and one thread (AppServerStartup). */
    static final String STARTUP_THREAD_POLICY = "org.glassfish.startupThreadPolicy";

    private static final String PAYARA_MAIN = "fish.payara.micro.impl.PayaraMicroImpl";
    /** Set by the application (BerthRuntime) when it has booted: its start summary, "{took}" for the seconds. */
    static final String STARTED_PROPERTY = "berth.started";
    /** The start summary's logger: the runtime's, as in an application server. */
    private static final String RUNTIME_LOGGER = "dev.berth.deploy.runtime.BerthRuntime";
    /** Runs an operator command in the application's classes: {@code run(command, argument)} returns its exit status. */
    private static final String OPERATOR_COMMANDS = "dev.berth.deploy.runtime.OperatorCommands";
    /** Prepares the embedded PostgreSQL while Payara boots: {@code begin()} starts its thread. */
    private static final String DATABASE_HEAD_START = "dev.berth.deploy.runtime.DatabaseHeadStart";

    static final String USAGE = """
            Usage: java -jar berth.jar [--config FILE]
                   java -jar berth.jar serve FILE
                   java -jar berth.jar users import-htpasswd HTPASSWD [--config FILE]
                   java -jar berth.jar check [--verify] [--repair] [--config FILE]
                   java -jar berth.jar gc [--dry-run] [--delete-untagged] [--config FILE]
                   java -jar berth.jar import-registry DIR|CONFIG [--dry-run] [--copy] [--config FILE]
                   java -jar berth.jar health [--config FILE]

            Starts the Berth container image registry. Without a file it listens on :5000 and keeps
            everything (blobs, embedded PostgreSQL) under ./berth-data. Environment variables
            override keys the Distribution way, e.g. REGISTRY_HTTP_ADDR=127.0.0.1:5000,
            REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY=/srv/registry; REGISTRY_CONFIGURATION_PATH
            selects the file when --config is not given.

            users import-htpasswd adds the users of an htpasswd file (bcrypt entries only) to the
            database of the configured Berth and exits; with the embedded PostgreSQL, stop Berth first.

            check reads every blob the metadata records and tells whether storage holds it at its
            recorded size (--verify: and that its content still hashes to its digest). It changes
            nothing, unless --repair: lost or wrong content is then marked missing (wrong bytes
            removed), so that clients push it again. Exit status 0: consistent, 1: problems found
            (each named), 2: could not check.

            gc runs one garbage collection now: it reviews the queued blobs and manifests due after
            gc.reviewafter (set REGISTRY_GC_REVIEWAFTER=0s to review everything queued), deletes what
            nothing references, sweeps orphans older than gc.orphangrace, and prints the counts and
            bytes freed (--dry-run: what it would free, deleting nothing; --delete-untagged: also
            manifests no tag and no index references). Exit status 0: done, 1: some content could not
            be deleted (the next run retries), 2: could not run.

            import-registry imports the storage directory DIR of a CNCF Distribution registry
            (registry:2, stopped), or the storage its config.yml CONFIG names (filesystem or s3): its
            repositories, manifests (exact bytes), tags and blobs. Each blob
            is verified against its digest, then hard-linked into Berth's storage when both are on one
            filesystem (the source stays valid), copied otherwise (--copy: always). What Berth holds
            already is skipped: a second run finds nothing to do, an interrupted one completes on the
            next. Broken links and missing or corrupt blobs are named and left out (--dry-run: prints
            what it would import, changing nothing). Exit status 0: imported, 1: some content left
            out (each named), 2: could not run.

            health asks the Berth this configuration describes (http.addr, over loopback when it
            listens on every interface) whether it is ready: GET /health/ready. For container health
            checks. Exit status 0: ready, 1: not ready or not reachable, 2: bad configuration.
            """;

    private BerthLauncher() {
    }

    public static void main(String[] args) throws Exception {
        BerthJar.removeRuntimeAtExit();
        args = withoutBootOptions(args);
        String configArgument;
        String command = null;
        String argument = null;
        boolean health = args.length > 0 && args[0].equals("health");
        try {
            if (health) {
                args = Arrays.copyOfRange(args, 1, args.length);
            } else if (args.length > 0 && args[0].equals("users")) {
                command = "import-htpasswd";
                argument = importFile(args).toString();
                args = Arrays.copyOfRange(args, 3, args.length);
            } else if (args.length > 0 && args[0].equals("check")) {
                List<String> rest = new ArrayList<>(Arrays.asList(args).subList(1, args.length));
                boolean verify = rest.remove("--verify");
                boolean repair = rest.remove("--repair");
                command = "check";
                argument = (verify ? "verify" : "sizes") + (repair ? ",repair" : "");
                args = rest.toArray(String[]::new);
            } else if (args.length > 0 && args[0].equals("gc")) {
                List<String> rest = new ArrayList<>(Arrays.asList(args).subList(1, args.length));
                boolean dryRun = rest.remove("--dry-run");
                boolean untagged = rest.remove("--delete-untagged");
                command = "gc";
                argument = (dryRun ? "dry-run" : "run") + (untagged ? ",delete-untagged" : "");
                args = rest.toArray(String[]::new);
            } else if (args.length > 0 && args[0].equals("import-registry")) {
                List<String> rest = new ArrayList<>(Arrays.asList(args).subList(1, args.length));
                boolean dryRun = rest.remove("--dry-run");
                boolean copy = rest.remove("--copy");
                command = "import-registry";
                argument = (dryRun ? "dry-run" : "run") + (copy ? ",copy" : ",link") + ":" + importSource(rest);
                args = rest.toArray(String[]::new);
            }
            configArgument = configArgument(args);
        } catch (IllegalArgumentException e) {
            System.err.println("berth: " + e.getMessage() + "\n\n" + USAGE);
            System.exit(2);
            return;
        }
        if (configArgument != null && configArgument.equals("--help")) {
            System.out.print(USAGE);
            return;
        }
        BerthConfig config;
        Optional<Path> file = ConfigLoader.locate(configArgument, System.getenv());
        try {
            config = ConfigLoader.load(file, System.getenv());
        } catch (ConfigException e) {
            System.err.println("berth: " + e.getMessage());
            System.err.println("berth: not started.");
            System.exit(2);
            return;
        }
        if (health) {
            System.exit(HealthCommand.run(config, System.out));
            return;
        }
        file.ifPresent(f -> System.setProperty(ConfigLoader.PATH_PROPERTY, f.toString()));
        config.warnings().forEach(w -> System.err.println("berth: warning: configuration: " + w));
        if (command != null) {
            System.exit(runCommand(config, command, argument));
            return;
        }
        System.setProperty("berth.launcher", "true");
        LifecycleWatchdog.arm(config.lifecycle().startupTimeout(), config.lifecycle().shutdownTimeout());
        List<String> payaraArguments;
        try {
            Path application = ApplicationClasses.unpacked(runDirectory(config));
            payaraArguments = payaraArguments(config, application);
            beginDatabaseHeadStart(config, application);
        } catch (ConfigException e) {
            // a certificate or key that cannot be served is a configuration error, found before the boot
            System.err.println("berth: " + e.getMessage());
            System.err.println("berth: not started.");
            System.exit(2);
            return;
        }
        // GlassFish's threaded start-up can deadlock inside hk2: a CI run caught run-level threads waiting on
        // each other's descriptor lock until startup.timeout. One thread starts the services in order instead
        // (as embedded GlassFish does by default); measured: 24.7 s against 24.1 s to the first 200, 3 runs each
        if (System.getProperty(STARTUP_THREAD_POLICY) == null) {
            System.setProperty(STARTUP_THREAD_POLICY, "USE_NO_THREADS");
        }
        startPayara(payaraArguments);
        announceStarted();
        IdleHeap.trimAfterStart();
    }

    /**
     * The embedded PostgreSQL's binaries unpacked and its initdb run while Payara boots, in the
     * application's classes (the runtime waits for it before it starts the database). Berth's log
     * settings first, which Payara applies again: the head start's lines look like the rest.
     */
    private static void beginDatabaseHeadStart(BerthConfig config, Path application) {
        if (!config.database().embedded()) {
            return;
        }
        try {
            LogManager.getLogManager().readConfiguration(
                    new ByteArrayInputStream(loggingProperties(config).getBytes(StandardCharsets.UTF_8)));
            ApplicationClasses.call(ApplicationClasses.loader(application), DATABASE_HEAD_START, "begin");
        } catch (Exception | LinkageError e) {
            // the runtime's own start takes every step then, and reports what fails
            Logger.getLogger(RUNTIME_LOGGER).fine(() -> "No head start for the embedded PostgreSQL: " + e);
        }
    }

    /**
     * PayaraMicroImpl.main returns once the application is served; before that, a request got
     * Payara's 500. The runtime left its start summary in {@value #STARTED_PROPERTY}: logged now, under
     * the runtime's logger, and the start-up watchdog stands down. Without it the deployment failed,
     * and the watchdog ends the JVM.
     */
    private static void announceStarted() {
        String summary = System.getProperty(STARTED_PROPERTY);
        if (summary == null) {
            return;
        }
        long took = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
        Logger.getLogger(RUNTIME_LOGGER).info(summary.replace("{took}", String.format("%.1f", took / 1000.0)));
        System.setProperty(LifecycleWatchdog.READY_PROPERTY, "true");
    }

    /** Berth's arguments, without those Payara's boot loader consumed before this class ran (BerthJar adds them). */
    static String[] withoutBootOptions(String[] args) {
        List<String> own = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i].toLowerCase();
            if ((arg.equals("--unpackdir") || arg.equals("--rootdir")) && i + 1 < args.length) {
                i++;
            } else if (!arg.equals("--nested")) {
                own.add(args[i]);
            }
        }
        return own.toArray(String[]::new);
    }

    /** The file of {@code users import-htpasswd FILE}. */
    static Path importFile(String[] args) {
        if (args.length < 3 || !args[1].equals("import-htpasswd")) {
            throw new IllegalArgumentException("expected 'users import-htpasswd FILE'");
        }
        Path file = Path.of(args[2]).toAbsolutePath().normalize();
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException("cannot read " + file);
        }
        return file;
    }

    /** Takes the directory or file of {@code import-registry DIR|CONFIG} out of {@code rest}: the first argument not an option's. */
    static Path importSource(List<String> rest) {
        for (int i = 0; i < rest.size(); i++) {
            String arg = rest.get(i);
            if (arg.equals("--config") || arg.equals("-c")) {
                i++;
            } else if (!arg.startsWith("-")) {
                Path source = Path.of(rest.remove(i)).toAbsolutePath().normalize();
                if (!Files.isDirectory(source) && !Files.isRegularFile(source)) {
                    throw new IllegalArgumentException("neither a directory nor a file: " + source);
                }
                return source;
            }
        }
        throw new IllegalArgumentException("expected 'import-registry DIR|CONFIG': the registry:2 storage directory,"
                + " or its config.yml");
    }

    /**
     * An operator command needs Berth's code, the database and storage, but no web container: it runs
     * in the WAR's classes, and takes seconds where booting Payara took half a minute.
     * No watchdog bounds it: a collection or a check of a large store may rightly take hours.
     */
    private static int runCommand(BerthConfig config, String command, String argument) {
        try {
            Path runDirectory = runDirectory(config);
            LogManager.getLogManager().readConfiguration(
                    new ByteArrayInputStream(loggingProperties(config).getBytes(StandardCharsets.UTF_8)));
            return (Integer) ApplicationClasses.call(ApplicationClasses.of(runDirectory), OPERATOR_COMMANDS, "run",
                    command, argument);
        } catch (Exception | LinkageError e) {
            // thrown on, Payara's boot loader would log it and exit 0
            System.out.println("berth: " + command + " could not run: " + e);
            e.printStackTrace();
            return 2;
        }
    }

    /** @return the --config value, "--help", or null */
    static String configArgument(String[] args) {
        String config = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                return "--help";
            } else if ((arg.equals("--config") || arg.equals("-c") || arg.equals("serve")) && i + 1 < args.length) {
                config = args[++i];
            } else if (arg.startsWith("--config=")) {
                config = arg.substring("--config=".length());
            } else {
                throw new IllegalArgumentException("unknown argument '" + arg + "'");
            }
        }
        return config;
    }

    /** {@code data/run}: Payara's files, the unpacked WAR, the database binaries. */
    private static Path runDirectory(BerthConfig config) throws IOException {
        return DataDirectory.prepare(config.dataDirectory(),
                config.storage().driver() instanceof BerthConfig.Driver.Filesystem fs && fs.shared());
    }

    /** @param application the unpacked WAR, which Payara deploys at / */
    static List<String> payaraArguments(BerthConfig config, Path application) throws IOException {
        HttpAddress http = config.http();
        Path runDirectory = runDirectory(config);
        Path preBoot = runDirectory.resolve("pre-boot-commands.txt");
        boolean tls = config.tls().enabled();
        Files.writeString(preBoot, preBootCommands(config, http)
                + (tls ? HttpsSetup.preBootCommands(config, HttpsSetup.prepare(config.tls(), application)) : ""), StandardCharsets.UTF_8);
        // Payara's runtime directory: under the data directory rather than /tmp, fresh at every start
        Path payaraRoot = runDirectory.resolve("payara");
        DataDirectory.deleteRecursively(payaraRoot);
        Files.createDirectories(payaraRoot);
        Path logging = runDirectory.resolve("logging.properties");
        Files.writeString(logging, loggingProperties(config), StandardCharsets.UTF_8);

        List<String> args = new ArrayList<>(List.of(
                "--nohazelcast", "--nocluster", "--disablephonehome",
                tls ? "--sslport" : "--port", String.valueOf(http.port()),
                "--prebootcommandfile", preBoot.toString(),
                "--logproperties", logging.toString(),
                "--rootdir", payaraRoot.toString(),
                "--unpackdir", payaraRoot.toString(),
                "--deploy", application.toString(), "--contextroot", "/"));
        return args;
    }

    /**
     * Binds the HTTP listener, and turns Hazelcast off: Payara Micro 7 still starts it, listening on
     * all interfaces from port 6900, despite --nohazelcast/--nocluster.
     *
     * @param http where to listen
     */
    static String preBootCommands(BerthConfig config, HttpAddress http) {
        return "set configs.config.server-config.network-config.network-listeners.network-listener.http-listener.address="
                + http.bindAddress() + "\n"
                + "set configs.config.server-config.hazelcast-config-specific-configuration.enabled=false\n"
                // Payara's MicroProfile Metrics would own /metrics: Berth serves its own there
                + "set configs.config.server-config.microprofile-metrics-configuration.enabled=false\n";
    }

    /** Payara's own INFO chatter off; Berth's loggers at the configured level. */
    static String loggingProperties(BerthConfig config) throws IOException {
        try (InputStream template = BerthLauncher.class.getResourceAsStream("/berth-logging.properties")) {
            if (template == null) {
                throw new IOException("berth-logging.properties missing from the launcher");
            }
            return new String(template.readAllBytes(), StandardCharsets.UTF_8)
                    + "dev.berth.level=" + config.logLevel().julLevel().getName() + "\n";
        }
    }

    private static void startPayara(List<String> args) throws Exception {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        try {
            Class.forName(PAYARA_MAIN, true, loader)
                    .getMethod("main", String[].class)
                    .invoke(null, (Object) args.toArray(String[]::new));
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        } catch (ClassNotFoundException e) {
            throw new UncheckedIOException(new IOException(
                    "Payara Micro is not on the class path: run Berth as java -jar berth.jar", e));
        }
    }
}
