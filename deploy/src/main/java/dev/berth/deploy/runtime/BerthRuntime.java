package dev.berth.deploy.runtime;

import dev.berth.adapters.db.DatabaseSettings;
import dev.berth.adapters.db.EmbeddedPostgres;
import dev.berth.adapters.db.JpaTransactions;
import dev.berth.adapters.db.MetadataDatabase;
import dev.berth.adapters.db.PostgresAuditLog;
import dev.berth.adapters.db.PostgresBlobLinkStore;
import dev.berth.adapters.db.PostgresDatabaseStatus;
import dev.berth.adapters.db.PostgresLoginFailures;
import dev.berth.adapters.db.PostgresManifestStore;
import dev.berth.adapters.db.PostgresRepositoryCatalog;
import dev.berth.adapters.db.PostgresRobotTokenStore;
import dev.berth.adapters.db.PostgresSigningKeyStore;
import dev.berth.adapters.db.PostgresTagStore;
import dev.berth.adapters.db.PostgresUploadSessionStore;
import dev.berth.adapters.db.PostgresUserDirectory;
import dev.berth.adapters.http.security.BcryptPasswordHasher;
import dev.berth.adapters.http.security.JwtTokenService;
import dev.berth.application.access.AccessSettings;
import dev.berth.application.port.AuditLog;
import dev.berth.application.port.BlobLinkStore;
import dev.berth.application.port.BlobStore;
import dev.berth.application.port.LoginFailures;
import dev.berth.application.port.ManifestStore;
import dev.berth.application.port.PasswordHasher;
import dev.berth.application.port.RepositoryCatalog;
import dev.berth.application.port.RobotTokenStore;
import dev.berth.application.port.SigningKeyStore;
import dev.berth.application.port.TagStore;
import dev.berth.application.port.TokenService;
import dev.berth.application.port.Transactions;
import dev.berth.application.port.UploadSessionStore;
import dev.berth.application.port.UserDirectory;
import dev.berth.application.registry.RegistrySettings;
import dev.berth.application.system.DatabaseStatus;
import dev.berth.application.system.InstanceInfo;
import dev.berth.application.system.BlobStoreStatus;
import dev.berth.application.system.StorageStatus;
import dev.berth.deploy.config.BerthConfig;
import dev.berth.deploy.config.ConfigLoader;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The composition root: reads the configuration, starts what Berth needs (embedded PostgreSQL
 * unless an external one is configured, the schema migrated by Flyway), chooses the adapters that
 * implement the application's ports, and stops everything again when the application stops.
 */
@ApplicationScoped
public class BerthRuntime {

    private static final Logger LOG = Logger.getLogger(BerthRuntime.class.getName());
    /** Set by the launcher: Berth runs as berth.jar and owns the JVM. */
    public static final String LAUNCHED_PROPERTY = "berth.launcher";

    /** Microsecond ticks: PostgreSQL keeps timestamps to the microsecond, so what is stored reads back equal. */
    private final Clock clock = Clock.tick(Clock.systemUTC(), Duration.ofNanos(1000));
    private BerthConfig config;
    private EmbeddedPostgres embeddedPostgres;
    private MetadataDatabase database;
    private InstanceInfo instance;
    private BlobStore blobStore;
    private PasswordHasher passwordHasher;
    private TokenService tokenService;

    void start(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        try {
            boot();
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "Berth cannot start: " + e.getMessage(), e);
            stop();
            if (Boolean.getBoolean(LAUNCHED_PROPERTY)) {
                // as berth.jar there is nothing else to serve: exit rather than answer 404 forever.
                // From another thread, so that Payara's shutdown can wait for this deployment.
                Thread.ofPlatform().name("berth-exit").start(() -> System.exit(1));
            }
            throw e;
        }
    }

    private void boot() {
        Optional<Path> file = ConfigLoader.locate(null, System.getenv());
        config = ConfigLoader.load(file, System.getenv());
        boolean launched = Boolean.getBoolean(LAUNCHED_PROPERTY);
        if (!launched) {
            config.warnings().forEach(w -> LOG.warning("Configuration: " + w));
        }
        blobStore = BlobStores.open(config.storage().driver(), clock);
        StorageStatus.StorageReport storage = new BlobStoreStatus(blobStore).report();
        if (!storage.writable()) {
            // a registry that cannot store what it is sent must say so now, not on the first push
            throw new IllegalStateException("storage " + storage.driver() + " at " + storage.location()
                    + " does not accept writes: " + storage.problem());
        }
        DatabaseSettings settings = databaseSettings();
        database = MetadataDatabase.open(settings);
        instance = new InstanceInfo(BerthVersion.get(), Instant.ofEpochMilli(jvmStart()),
                launched ? config.http().toString() : "application server listener");

        passwordHasher = new BcryptPasswordHasher(config.auth().bcryptCost());
        tokenService = new JwtTokenService(new PostgresSigningKeyStore(database), config.auth().issuer(),
                config.auth().service(), Access.KEY_ROTATION, Access.longestTokenLifetime(config.auth()), clock);
        Access.prepare(config, database, passwordHasher, clock);

        DatabaseStatus.DatabaseReport db = new PostgresDatabaseStatus(database).report();
        Duration took = Duration.between(instance.startedAt(), clock.instant());
        LOG.info(() -> String.format("""
                Berth %s started in %.1f s%s
                  config:   %s
                  storage:  %s %s (deletes %s)
                  database: %s %s, schema version %s, installation %s
                  access:   %s""",
                instance.version(), took.toMillis() / 1000.0,
                launched ? ", listening on " + config.http() + " (" + config.http().url() + ")" : "",
                config.source(),
                storage.driver(), storage.location(), config.storage().deleteEnabled() ? "enabled" : "disabled",
                db.mode(), db.location(), db.schemaVersion(), db.installationId(), Access.describe(config.auth())));
        if (config.auth().mode().equals(BerthConfig.Auth.OPEN)) {
            LOG.warning("""
                    
                    ************************************************************************
                    *  Berth runs OPEN: no authentication, anybody who reaches it can push, *
                    *  pull and delete. Configure auth.htpasswd or auth.token (see          *
                    *  deploy/docs/security.md) before exposing it beyond this machine.     *
                    ************************************************************************""");
        }
        Access.runCommand(config, database, passwordHasher, clock);
    }

    private DatabaseSettings databaseSettings() {
        BerthConfig.Database db = config.database();
        if (!db.embedded()) {
            String url = db.url().orElseThrow();
            return new DatabaseSettings("external", url.replaceFirst("\\?.*$", ""), url, db.user(), db.password(),
                    db.maxPoolSize());
        }
        Path binaries = config.dataDirectory().resolve("run").resolve("postgres-binaries");
        embeddedPostgres = EmbeddedPostgres.start(db.embeddedDirectory(), binaries, db.embeddedPort());
        return new DatabaseSettings("embedded",
                "127.0.0.1:" + embeddedPostgres.port() + ", data in " + embeddedPostgres.dataDirectory(),
                embeddedPostgres.jdbcUrl(), embeddedPostgres.user(), "", db.maxPoolSize());
    }

    private static long jvmStart() {
        return ManagementFactory.getRuntimeMXBean().getStartTime();
    }

    @PreDestroy
    void stop() {
        if (database != null) {
            try {
                database.close();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Closing the metadata database failed", e);
            }
            database = null;
        }
        if (embeddedPostgres != null) {
            try {
                embeddedPostgres.close();
                LOG.info("Embedded PostgreSQL stopped");
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Stopping embedded PostgreSQL failed", e);
            }
            embeddedPostgres = null;
        }
    }

    @Produces
    @ApplicationScoped
    DatabaseStatus databaseStatus() {
        return new PostgresDatabaseStatus(database);
    }

    @Produces
    @ApplicationScoped
    StorageStatus storageStatus() {
        return new BlobStoreStatus(blobStore);
    }

    @Produces
    @ApplicationScoped
    BlobStore blobStore() {
        return blobStore;
    }

    @Produces
    @ApplicationScoped
    RepositoryCatalog repositoryCatalog() {
        return new PostgresRepositoryCatalog(database);
    }

    @Produces
    @ApplicationScoped
    BlobLinkStore blobLinkStore() {
        return new PostgresBlobLinkStore(database);
    }

    @Produces
    @ApplicationScoped
    ManifestStore manifestStore() {
        return new PostgresManifestStore(database);
    }

    @Produces
    @ApplicationScoped
    TagStore tagStore() {
        return new PostgresTagStore(database);
    }

    @Produces
    @ApplicationScoped
    UploadSessionStore uploadSessionStore() {
        return new PostgresUploadSessionStore(database);
    }

    @Produces
    @ApplicationScoped
    Transactions transactions() {
        return new JpaTransactions(database);
    }

    @Produces
    RegistrySettings registrySettings() {
        return new RegistrySettings(config.storage().deleteEnabled(), RegistrySettings.DEFAULT_MAX_MANIFEST_BYTES,
                config.maxPageSize());
    }

    @Produces
    @ApplicationScoped
    UserDirectory userDirectory() {
        return new PostgresUserDirectory(database);
    }

    @Produces
    @ApplicationScoped
    RobotTokenStore robotTokenStore() {
        return new PostgresRobotTokenStore(database);
    }

    @Produces
    @ApplicationScoped
    LoginFailures loginFailures() {
        return new PostgresLoginFailures(database);
    }

    @Produces
    @ApplicationScoped
    AuditLog auditLog() {
        return new PostgresAuditLog(database);
    }

    @Produces
    @ApplicationScoped
    SigningKeyStore signingKeyStore() {
        return new PostgresSigningKeyStore(database);
    }

    @Produces
    PasswordHasher passwordHasher() {
        return passwordHasher;
    }

    @Produces
    TokenService tokenService() {
        return tokenService;
    }

    @Produces
    AccessSettings accessSettings() {
        return Access.settings(config.auth());
    }

    @Produces
    InstanceInfo instanceInfo() {
        return instance;
    }

    @Produces
    Clock clock() {
        return clock;
    }
}
