package dev.berth.deploy.system;

import dev.berth.adapters.db.DatabaseSettings;
import dev.berth.adapters.db.MetadataDatabase;
import dev.berth.adapters.db.PostgresAdminSessionStore;
import dev.berth.adapters.db.PostgresAuditLog;
import dev.berth.adapters.db.PostgresNotificationStore;
import dev.berth.adapters.db.PostgresRobotTokenStore;
import dev.berth.adapters.db.PostgresUserDirectory;
import dev.berth.adapters.http.security.BcryptPasswordHasher;
import dev.berth.application.access.CreateRobotToken;
import dev.berth.application.access.CreateUser;
import dev.berth.application.access.GrantAccess;
import dev.berth.application.access.ListAuditEvents;
import dev.berth.application.event.NotificationEndpoint;
import dev.berth.application.event.RemoveNotificationEndpoint;
import dev.berth.application.port.AdminSessionStore;
import dev.berth.application.port.AuditLog;
import dev.berth.domain.access.Caller;
import dev.berth.domain.access.Grant;
import dev.berth.domain.access.User;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One packaged Berth for all admin UI tests of a run, as an operator would run it: HTTPS with its
 * managed certificate, basic auth, deletes enabled, and the initial admin's password given. Its
 * database is reachable from the test (embedded PostgreSQL on a known loopback port) so that tests
 * can fill it with many repositories at once. The certificate tests switch the served
 * certificate, so clients here do not verify it (the TLS tests do that).
 */
final class AdminBerth {

    /** Held by each admin UI test class: they share this Berth's users, repositories and settings. */
    static final String LOCK = "admin-berth";

    static final String ADMIN = "admin";
    static final String ADMIN_PASSWORD = "admin-ui-password-1";
    static final Duration TIMEOUT = Duration.ofMinutes(5);
    private static final Duration BOOT = Duration.ofMinutes(10);

    private static AdminBerth instance;

    private final BerthProcess berth;
    private final Path work;
    private final int databasePort;
    private final HttpClient http;

    private AdminBerth(BerthProcess berth, Path work, int databasePort) throws GeneralSecurityException {
        this.berth = berth;
        this.work = work;
        this.databasePort = databasePort;
        this.http = HttpClient.newBuilder().sslContext(trustingAnything()).connectTimeout(Duration.ofSeconds(5)).build();
    }

    static synchronized AdminBerth get() throws Exception {
        return get(BerthProcess.quickBoot());
    }

    /**
     * For the admin page benchmark: Berth on the JVM's default JIT, as {@code java -jar berth.jar} runs it,
     * not the tests' C1-only {@link BerthProcess#QUICK_BOOT}, whose code is slower once warm. The first
     * caller in a JVM decides: the benchmark runs on its own.
     */
    static synchronized AdminBerth asShipped() throws Exception {
        return get(List.of());
    }

    private static synchronized AdminBerth get(List<String> jvmOptions) throws Exception {
        if (instance == null) {
            Path work = Path.of("target", "admin-berth").toAbsolutePath();
            WorkDirectories.deleteQuietly(work);
            int databasePort = BerthProcess.freePort();
            int port = BerthProcess.freePort();
            BerthProcess berth = BerthProcess.start(jvmOptions, work, port, Map.of(
                    "REGISTRY_HTTP_TLS_MANAGED", "true",
                    // the address the tests reach it at; a browser that comes by 127.0.0.1 still gets this in commands
                    "REGISTRY_HTTP_HOST", "https://localhost:" + port,
                    "REGISTRY_AUTH", "htpasswd",
                    "REGISTRY_AUTH_BCRYPT_COST", "5",
                    "REGISTRY_STORAGE_DELETE_ENABLED", "true",
                    // no scheduled collection (default: every 5 minutes) during a whole test run: a run that
                    // started on its own took part of AdminGarbageCollectionIT's queue (ci11: 2273 of 6000 left)
                    "REGISTRY_GC_INTERVAL", "24h",
                    "REGISTRY_DATABASE_EMBEDDED_PORT", String.valueOf(databasePort),
                    "BERTH_ADMIN_PASSWORD", ADMIN_PASSWORD));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    berth.close();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            AdminBerth admin = new AdminBerth(berth, work, databasePort);
            admin.awaitUp();
            instance = admin;
        }
        return instance;
    }

    /** GET /v2/ over HTTPS answers 401 once Berth is up with access control on. */
    private void awaitUp() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + BOOT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!berth.alive()) {
                throw new AssertionError("Berth exited before it was up:\n" + berth.output());
            }
            try {
                if (get("/v2/").statusCode() == 401) {
                    return;
                }
            } catch (IOException notListeningYet) {
                // keep polling
            }
            Thread.sleep(250);
        }
        throw new AssertionError("Berth was not up within " + BOOT + ":\n" + berth.output());
    }

    String base() {
        return "https://localhost:" + berth.port();
    }

    String host() {
        return "localhost:" + berth.port();
    }

    int port() {
        return berth.port();
    }

    Path work() {
        return work;
    }

    BerthProcess process() {
        return berth;
    }

    HttpResponse<String> get(String path, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(30));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Any registry request as the admin, with a body or none. */
    HttpResponse<String> sendAsAdmin(String method, String path, String body, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .headers(basic(ADMIN, ADMIN_PASSWORD));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String[] basic(String user, String password) {
        return new String[]{"Authorization", "Basic " + Base64.getEncoder().encodeToString(
                (user + ":" + password).getBytes(StandardCharsets.UTF_8))};
    }

    /** skopeo copies an OCI layout image (an index with all its platforms) to REPOSITORY:TAG as USER. */
    Commands.Result push(OciImageLayout layout, String layoutTag, String reference, String user, String password)
            throws IOException, InterruptedException {
        return Commands.run(work, TIMEOUT, Map.of(), "skopeo", "copy", "--multi-arch=all", "--dest-tls-verify=false",
                "--dest-creds", user + ":" + password, "oci:" + layout.root() + ":" + layoutTag,
                "docker://" + host() + "/" + reference);
    }

    /** skopeo reads the manifest of REPOSITORY:TAG as USER. */
    Commands.Result inspect(String reference, String user, String password) throws IOException, InterruptedException {
        return Commands.run(work, TIMEOUT, Map.of(), "skopeo", "inspect", "--raw", "--tls-verify=false",
                "--creds", user + ":" + password, "docker://" + host() + "/" + reference);
    }

    /** skopeo pulls REPOSITORY:TAG as USER (every platform) into an OCI layout under DIRECTORY, as a client pulls. */
    Commands.Result pull(String reference, Path directory, String user, String password)
            throws IOException, InterruptedException {
        return Commands.run(work, TIMEOUT, Map.of(), "skopeo", "copy", "--multi-arch=all", "--src-tls-verify=false",
                "--src-creds", user + ":" + password, "docker://" + host() + "/" + reference, "oci:" + directory + ":pulled");
    }

    /** Direct SQL on Berth's embedded database, for data sets no client would push in a test's time. */
    void sql(String statement) throws SQLException {
        try (Connection connection = DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + databasePort + "/postgres", "postgres", BerthProcess.embeddedDatabasePassword(work));
             Statement sql = connection.createStatement()) {
            sql.execute(statement);
        }
    }

    /** A user who is no admin, made through the use cases as the users page would, with grants such as team/*:pull. */
    void createUser(String name, String password, String... grants) {
        Caller admin = new Caller(Optional.of(new User(ADMIN, true, true)), List.of(), Optional.empty());
        try (MetadataDatabase database = openDatabase()) {
            PostgresUserDirectory users = new PostgresUserDirectory(database);
            PostgresAuditLog audit = new PostgresAuditLog(database);
            new CreateUser(users, new BcryptPasswordHasher(5), audit, Clock.systemUTC())
                    .create(admin, "test", name, password, false);
            for (String grant : grants) {
                new GrantAccess(users, audit, Clock.systemUTC()).grant(admin, "test", name, Grant.parse(grant));
            }
        }
    }

    /** The admin UI sign-in stored under the SHA-256 of its secret, read as any node reads it. */
    Optional<AdminSessionStore.StoredSession> adminSession(String secretSha256) {
        try (MetadataDatabase database = openDatabase()) {
            return new PostgresAdminSessionStore(database).find(secretSha256);
        }
    }

    /** A robot token of {@code user} limited to {@code scope}, made as the users page would. */
    CreateRobotToken.Created robotToken(String user, String scope) {
        Caller admin = new Caller(Optional.of(new User(ADMIN, true, true)), List.of(), Optional.empty());
        try (MetadataDatabase database = openDatabase()) {
            return new CreateRobotToken(new PostgresUserDirectory(database), new PostgresRobotTokenStore(database),
                    new PostgresAuditLog(database), Clock.systemUTC()).create(admin, "test", user, "ci",
                    Grant.parseList(scope), Optional.empty());
        }
    }

    /**
     * A webhook endpoint added while Berth runs, as a run-time endpoint (a restart keeps it). The
     * shared Berth booted without a configuration file, and no admin use case adds endpoints; the
     * store is the way in, as the configuration seeding uses it.
     */
    void addWebhook(NotificationEndpoint endpoint) {
        try (MetadataDatabase database = openDatabase()) {
            new PostgresNotificationStore(database).save(endpoint, false);
        }
    }

    void removeWebhook(String name) {
        try (MetadataDatabase database = openDatabase()) {
            new RemoveNotificationEndpoint(new PostgresNotificationStore(database)).remove(name);
        }
    }

    List<AuditLog.Event> audit() {
        Caller admin = new Caller(Optional.of(new User(ADMIN, true, true)), List.of(), Optional.empty());
        try (MetadataDatabase database = openDatabase()) {
            return new ListAuditEvents(new PostgresAuditLog(database)).recent(admin, 1000);
        }
    }

    MetadataDatabase openDatabase() {
        return MetadataDatabase.open(new DatabaseSettings("embedded", "test",
                "jdbc:postgresql://127.0.0.1:" + databasePort + "/postgres", "postgres", BerthProcess.embeddedDatabasePassword(work), 2,
                BerthProcess.secrets(work)));
    }

    /** Trusts whatever certificate Berth serves: the certificate tests switch it. */
    static SSLContext trustingAnything() throws GeneralSecurityException {
        TrustManager anything = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[]{anything}, new SecureRandom());
        return context;
    }
}
