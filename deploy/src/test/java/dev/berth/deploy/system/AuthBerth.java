package dev.berth.deploy.system;

import dev.berth.adapters.db.DatabaseSettings;
import dev.berth.adapters.db.JpaTransactions;
import dev.berth.adapters.db.MetadataDatabase;
import dev.berth.adapters.db.PostgresAuditLog;
import dev.berth.adapters.db.PostgresGarbageCollectionStore;
import dev.berth.adapters.db.PostgresRobotTokenStore;
import dev.berth.adapters.db.PostgresUserDirectory;
import dev.berth.adapters.http.security.BcryptPasswordHasher;
import dev.berth.adapters.storage.filesystem.FilesystemBlobStore;
import dev.berth.application.access.ChangePassword;
import dev.berth.application.access.CreateRobotToken;
import dev.berth.application.access.CreateUser;
import dev.berth.application.access.GrantAccess;
import dev.berth.application.access.ListAuditEvents;
import dev.berth.application.access.RevokeRobotToken;
import dev.berth.application.access.SetUserAdmin;
import dev.berth.application.access.SetUserEnabled;
import dev.berth.application.gc.CollectGarbage;
import dev.berth.application.gc.GarbageCollectionSettings;
import dev.berth.application.port.AuditLog;
import dev.berth.application.port.GarbageCollectionStore;
import dev.berth.application.port.GeneratedPasswordFile;
import dev.berth.domain.access.Caller;
import dev.berth.domain.access.Grant;
import dev.berth.domain.access.User;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A packaged Berth with access control on, for the auth tests of one class, and the admin use
 * cases run against its (embedded) database from here, as the admin UI will run them: there is no
 * admin HTTP API to drive them through.
 */
final class AuthBerth implements AutoCloseable {

    static final String ADMIN_PASSWORD = "admin-password-1";
    /** Generous: on a loaded 2-core machine Payara has taken six minutes to boot. */
    private static final Duration UP_TIMEOUT = Duration.ofMinutes(10);

    private final BerthProcess berth;
    private final MetadataDatabase database;
    private final RegistryClient client;
    private final Clock clock = Clock.systemUTC();
    private final Caller admin = new Caller(Optional.of(new User("admin", true, true)), List.of(), Optional.empty());

    private AuthBerth(BerthProcess berth, MetadataDatabase database) {
        this.berth = berth;
        this.database = database;
        this.client = new RegistryClient(berth);
    }

    /** @param env the access configuration (REGISTRY_AUTH... variables) */
    static AuthBerth start(String name, Map<String, String> env) throws IOException, InterruptedException {
        Path work = Path.of("target", name).toAbsolutePath();
        WorkDirectories.deleteQuietly(work);
        int databasePort = BerthProcess.freePort();
        Map<String, String> all = new HashMap<>(env);
        all.put("REGISTRY_DATABASE_EMBEDDED_PORT", String.valueOf(databasePort));
        all.put("REGISTRY_STORAGE_DELETE_ENABLED", "true");
        all.put("BERTH_ADMIN_PASSWORD", ADMIN_PASSWORD);
        BerthProcess berth = BerthProcess.start(work, BerthProcess.freePort(), all);
        // stopped even when the test JVM is stopped early
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                berth.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        try {
            awaitUp(berth);
            MetadataDatabase database = MetadataDatabase.open(new DatabaseSettings("embedded", "test",
                    "jdbc:postgresql://127.0.0.1:" + databasePort + "/postgres", "postgres", BerthProcess.embeddedDatabasePassword(work), 2,
                    BerthProcess.secrets(work)));
            return new AuthBerth(berth, database);
        } catch (RuntimeException | AssertionError | IOException | InterruptedException e) {
            berth.close();
            throw e;
        }
    }

    /** GET /v2/ answers 401 once Berth is up with access control on. */
    static void awaitUp(BerthProcess berth) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + UP_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!berth.alive()) {
                throw new AssertionError("Berth exited before it was up:\n" + berth.output());
            }
            try {
                int status = berth.get("/v2/").statusCode();
                if (status == 401 || status == 200) {
                    return;
                }
            } catch (IOException notListeningYet) {
                // keep polling
            }
            Thread.sleep(250);
        }
        throw new AssertionError("Berth was not up within " + UP_TIMEOUT + ":\n" + berth.output());
    }

    BerthProcess process() {
        return berth;
    }

    RegistryClient client() {
        return client;
    }

    String host() {
        return "127.0.0.1:" + berth.port();
    }

    void createUser(String name, String password, String... grants) {
        new CreateUser(new PostgresUserDirectory(database), new BcryptPasswordHasher(4), new PostgresAuditLog(database),
                clock).create(admin, "test", name, password, false);
        for (String grant : grants) {
            grant(name, grant);
        }
    }

    void grant(String name, String grant) {
        new GrantAccess(new PostgresUserDirectory(database), new PostgresAuditLog(database), clock)
                .grant(admin, "test", name, Grant.parse(grant));
    }

    void setEnabled(String name, boolean enabled) {
        new SetUserEnabled(new PostgresUserDirectory(database), new PostgresAuditLog(database), clock)
                .set(admin, "test", name, enabled);
    }

    void changePassword(String name, String password) {
        new ChangePassword(new PostgresUserDirectory(database), new BcryptPasswordHasher(4), new PostgresAuditLog(database),
                clock, GeneratedPasswordFile.NONE).change(admin, "test", name, password);
    }

    void setAdmin(String name, boolean admin) {
        new SetUserAdmin(new PostgresUserDirectory(database), new PostgresAuditLog(database), clock)
                .set(this.admin, "test", name, admin);
    }

    CreateRobotToken.Created robotToken(String user, String scope) {
        return new CreateRobotToken(new PostgresUserDirectory(database), new PostgresRobotTokenStore(database),
                new PostgresAuditLog(database), clock).create(admin, "test", user, "ci", Grant.parseList(scope),
                Optional.empty());
    }

    void revokeRobotToken(UUID id) {
        new RevokeRobotToken(new PostgresRobotTokenStore(database), new PostgresAuditLog(database), clock)
                .revoke(admin, "test", id);
    }

    List<AuditLog.Event> audit() {
        return new ListAuditEvents(new PostgresAuditLog(database)).recent(admin, 1000);
    }

    /**
     * A garbage collection run as an administrator's "run now" with the untagged policy on
     * ({@code gc.deleteuntagged}) and no review delay, on Berth's filesystem storage: what was queued
     * before it is decided. Waits while Berth's own collector holds the lease.
     */
    GarbageCollectionStore.Run collectGarbage() throws InterruptedException {
        CollectGarbage collector = new CollectGarbage(new PostgresGarbageCollectionStore(database),
                new FilesystemBlobStore(berth.dataDirectory().resolve("registry")), new PostgresAuditLog(database),
                new GarbageCollectionSettings(true, Duration.ofMinutes(5), Duration.ZERO, true, Duration.ofHours(1)),
                () -> false, clock, "system-test", run -> { }, nanos -> { });
        for (Optional<GarbageCollectionStore.Run> run = collector.collect("admin", false, true); ;
             run = collector.collect("admin", false, true)) {
            if (run.isPresent()) {
                return run.get();
            }
            Thread.sleep(200);
        }
    }

    MetadataDatabase database() {
        return database;
    }

    JpaTransactions transactions() {
        return new JpaTransactions(database);
    }

    static String[] basic(String user, String password) {
        return new String[]{"Authorization", "Basic " + Base64.getEncoder().encodeToString(
                (user + ":" + password).getBytes(StandardCharsets.UTF_8))};
    }

    static String[] with(String[] headers, String... more) {
        String[] all = new String[headers.length + more.length];
        System.arraycopy(headers, 0, all, 0, headers.length);
        System.arraycopy(more, 0, all, headers.length, more.length);
        return all;
    }

    @Override
    public void close() throws InterruptedException {
        try {
            database.close();
        } finally {
            berth.close();
        }
    }
}
