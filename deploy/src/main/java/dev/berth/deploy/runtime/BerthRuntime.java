package dev.berth.deploy.runtime;

import dev.berth.adapters.db.JpaTransactions;
import dev.berth.adapters.db.MetadataDatabase;
import dev.berth.adapters.db.PostgresUpstreamStore;
import dev.berth.adapters.db.PostgresAdminSessionStore;
import dev.berth.adapters.db.PostgresAuditLog;
import dev.berth.adapters.db.PostgresGarbageCollectionStore;
import dev.berth.adapters.db.PostgresBlobFetchTurns;
import dev.berth.adapters.db.PostgresBlobLinkStore;
import dev.berth.adapters.db.PostgresCertificateStore;
import dev.berth.adapters.db.PostgresDatabaseStatus;
import dev.berth.adapters.db.PostgresLoginFailures;
import dev.berth.adapters.db.PostgresEventOutbox;
import dev.berth.adapters.db.PostgresNotificationStore;
import dev.berth.adapters.http.HttpObservability;
import dev.berth.adapters.http.PublicUrls;
import dev.berth.adapters.http.TrustedProxies;
import dev.berth.adapters.http.JdkWebhookSender;
import dev.berth.adapters.http.Metrics;
import dev.berth.adapters.db.PostgresMaintenanceStore;
import dev.berth.adapters.db.PostgresManifestStore;
import dev.berth.adapters.db.PostgresRepositoryCatalog;
import dev.berth.adapters.db.PostgresRetentionStore;
import dev.berth.adapters.db.PostgresStorageUsageStore;
import dev.berth.adapters.db.PostgresRobotTokenStore;
import dev.berth.adapters.db.PostgresSigningKeyStore;
import dev.berth.adapters.db.PostgresTagStore;
import dev.berth.adapters.db.PostgresUploadSessionStore;
import dev.berth.adapters.db.PostgresUserDirectory;
import dev.berth.application.access.AccessSettings;
import dev.berth.application.port.GeneratedPasswordFile;
import dev.berth.application.access.AuditRetention;
import dev.berth.application.gc.CollectGarbage;
import dev.berth.application.port.AdminSessionStore;
import dev.berth.application.port.AuditLog;
import dev.berth.application.port.GarbageCollectionStore;
import dev.berth.adapters.http.tls.BouncyCastleCertificateIssuer;
import dev.berth.adapters.http.tls.BouncyCastlePemCodec;
import dev.berth.adapters.http.tls.FileCertificateStore;
import dev.berth.application.event.ActivityCounter;
import dev.berth.application.event.EventSource;
import dev.berth.application.port.BlobFetchTurns;
import dev.berth.application.port.BlobLinkStore;
import dev.berth.application.port.EventOutbox;
import dev.berth.application.port.NotificationStore;
import dev.berth.application.port.WebhookSender;
import dev.berth.application.port.BlobStore;
import dev.berth.application.port.LoginFailures;
import dev.berth.application.maintenance.MaintenanceSettings;
import dev.berth.application.port.MaintenanceStore;
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
import dev.berth.application.port.RetentionStore;
import dev.berth.application.port.StorageUsageStore;
import dev.berth.application.registry.EvictPullThroughCache;
import dev.berth.application.registry.PullThroughCache;
import dev.berth.application.port.UpstreamRules;
import dev.berth.application.port.UpstreamStore;
import dev.berth.application.registry.RegistrySettings;
import dev.berth.application.retention.ApplyRetention;
import dev.berth.application.retention.TagPulls;
import dev.berth.application.system.DatabaseStatus;
import dev.berth.application.system.EffectiveSettings;
import dev.berth.application.system.InstanceInfo;
import dev.berth.application.system.LivenessStatus;
import dev.berth.application.system.StorageStatus;
import dev.berth.application.tls.CertificateIssuer;
import dev.berth.application.tls.CertificateStore;
import dev.berth.application.tls.MirroredCertificateStore;
import dev.berth.application.tls.ServedCertificateStatus;
import dev.berth.application.tls.PemCodec;
import dev.berth.application.tls.TlsSettings;
import dev.berth.deploy.config.BerthConfig;
import dev.berth.deploy.config.ConfigLoader;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The composition root: reads the configuration, starts what Berth needs (embedded PostgreSQL
 * unless an external one is configured, the schema migrated by Flyway), chooses the adapters that
 * implement the application's ports, and stops everything again when the application stops.
 */
/**
 * The composition root: reads the configuration, starts Berth's areas in order (storage, database,
 * access and TLS, observability, pull-through proxies, events and activity, background work), chooses
 * the adapters that implement the application's ports (the producers below), and stops the areas in
 * reverse order when the application stops. Each area is a {@code Runtime*} class beside this one.
 */
@ApplicationScoped
public class BerthRuntime {

    /** The runtime's logger, also the areas': operators and the launcher know Berth's start-up lines by it. */
    static final Logger LOG = Logger.getLogger(BerthRuntime.class.getName());
    /** Set by the launcher: Berth runs as berth.jar and owns the JVM. */
    public static final String LAUNCHED_PROPERTY = "berth.launcher";
    /** Set once Berth serves; the launcher's start-up watchdog waits for it. */
    public static final String READY_PROPERTY = "berth.ready";
    /** Under the launcher: the start summary, with {took} for the seconds, which the launcher logs once Payara serves. */
    public static final String STARTED_PROPERTY = "berth.started";
    static final String STARTING = "Berth is starting";

    /** Microsecond ticks: PostgreSQL keeps timestamps to the microsecond, so what is stored reads back equal. */
    private final Clock clock = Clock.tick(Clock.systemUTC(), Duration.ofNanos(1000));
    private BerthConfig config;
    private InstanceInfo instance;
    private final RuntimeStorage storage = new RuntimeStorage();
    private final RuntimeDatabase database = new RuntimeDatabase();
    private final RuntimeAccess access = new RuntimeAccess();
    private final RuntimeObservability observability = new RuntimeObservability();
    private final RuntimeProxies proxies = new RuntimeProxies();
    private final RuntimeEvents events = new RuntimeEvents();
    private final RuntimeBackgroundWork background = new RuntimeBackgroundWork();

    @Inject
    Metrics metrics;

    /**
     * The retention worker's and the evictor's use cases, resolved at their first run through a fresh
     * CDI lookup: resolved through an Instance injected here, Weld built them in this bean's own
     * creational context, where it still counts BerthRuntime as incomplete, and warned (WELD-000018,
     * about fifteen lines) for every producer it called.
     */
    private static <T> Supplier<T> resolvedLater(Class<T> type) {
        return () -> CDI.current().select(type).get();
    }

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

    /** The start-up sequence, top to bottom; {@link #stop()} undoes it in reverse. */
    private void boot() {
        Optional<Path> file = ConfigLoader.locate(null, System.getenv());
        config = ConfigLoader.load(file, System.getenv());
        boolean launched = Boolean.getBoolean(LAUNCHED_PROPERTY);
        if (!launched) {
            config.warnings().forEach(w -> LOG.warning("Configuration: " + w));
        }
        StorageStatus.StorageReport stored = storage.open(config, metrics, clock);
        database.start(config);
        MetadataDatabase metadata = database.metadata();
        instance = new InstanceInfo(BerthVersion.get(), Instant.ofEpochMilli(jvmStart()),
                launched ? config.http().toString() : "application server listener", config.publicUrls().host());
        access.start(config, metadata, clock);
        access.shareCertificates(config, tlsSettings(), metadata, clock);
        observability.configureLogs(config, launched);
        proxies.start(config, clock, upstreamStore());
        observability.registerGauges(metrics, clock, config, metadata, proxies.cache(), servedHere());
        Supplier<EvictPullThroughCache> evictor = resolvedLater(EvictPullThroughCache.class);
        events.start(config, metadata, clock, () -> proxies.recordPullsAndEvict(manifestStore(), evictor));
        MaintenanceSettings maintenance = maintenanceSettings();
        background.start(new RuntimeBackgroundWork.Needs(config, maintenance, metadata, blobStore(), storage.probe(),
                resolvedLater(ApplyRetention.class), accessSettings(), auditRetention(), this::collectGarbage, metrics, clock));
        announce(launched, stored, maintenance);
        access.warnDailyAboutCertificateExpiry(config, servedHere(), clock);
        if (launched) {
            // berth.jar owns the JVM's signals; in an application server the server does
            SigtermDrain.install(config.lifecycle().shutdownTimeout());
        } else {
            System.setProperty(READY_PROPERTY, "true");
        }
    }

    /** The start summary (logged now, or by the launcher once Payara serves), and a loud word when Berth runs open. */
    private void announce(boolean launched, StorageStatus.StorageReport stored, MaintenanceSettings maintenance) {
        MetadataDatabase metadata = database.metadata();
        String summary = StartSummary.of(config, instance, launched, stored, new PostgresDatabaseStatus(metadata).report(),
                maintenance, () -> new PostgresMaintenanceStore(metadata).readOnly(), database.secretsKeyId());
        if (launched) {
            // Payara serves the application only once its boot returns: the launcher says "started"
            // then, so that whoever waits for the line may send requests at once
            System.setProperty(STARTED_PROPERTY, summary);
        } else {
            Duration took = Duration.between(instance.startedAt(), clock.instant());
            LOG.info(() -> summary.replace("{took}", String.format("%.1f", took.toMillis() / 1000.0)));
        }
        if (config.auth().mode().equals(BerthConfig.Auth.OPEN)) {
            LOG.warning("""
                    
                    ************************************************************************
                    *  Berth runs OPEN (auth: none): no authentication, anybody who reaches *
                    *  it can push, pull and delete. Remove auth: none (REGISTRY_AUTH=none) *
                    *  to require logins (see deploy/docs/security.md).                     *
                    ************************************************************************""");
        }
    }

    private static long jvmStart() {
        return ManagementFactory.getRuntimeMXBean().getStartTime();
    }

    /** The areas in the reverse order of {@link #boot()}; each stops only what it started. */
    @PreDestroy
    void stop() {
        background.stop();
        events.stop();
        proxies.stop();
        observability.stop();
        access.stop();
        database.stop();
    }

    /** A part that boot has not made yet: the producer fails, and Weld keeps nothing (see {@link RuntimeDatabase#metadata()}). */
    static <T> T booted(T part) {
        if (part == null) {
            throw new IllegalStateException(STARTING);
        }
        return part;
    }

    /** Fails before boot, so that no producer hands Weld an adapter around null to keep. */
    private MetadataDatabase database() {
        return database.metadata();
    }

    // ---- The runtime itself: health ("starting" until boot has opened storage and database), instance, clock

    /** Health checks answer so (not ready) until the database and the storage are there. */
    @Produces
    @ApplicationScoped
    DatabaseStatus databaseStatus() {
        return database.status();
    }

    /** Not live only when the embedded PostgreSQL stays down despite its supervisor's restarts. */
    @Produces
    LivenessStatus livenessStatus() {
        return database.liveness();
    }

    @Produces
    @ApplicationScoped
    StorageStatus storageStatus() {
        return storage.status();
    }

    @Produces
    InstanceInfo instanceInfo() {
        return instance;
    }

    @Produces
    EffectiveSettings effectiveSettings() {
        BerthConfig read = booted(config);
        return new EffectiveSettings(read.file().map(Path::toString), read.settings().stream()
                .map(s -> new EffectiveSettings.Setting(s.key(), s.value(), s.source())).toList());
    }

    @Produces
    Clock clock() {
        return clock;
    }

    // ---- Storage (RuntimeStorage)

    @Produces
    @ApplicationScoped
    BlobStore blobStore() {
        return storage.blobStore();
    }

    @Produces
    RegistrySettings registrySettings() {
        return new RegistrySettings(config.storage().deleteEnabled(), RegistrySettings.DEFAULT_MAX_MANIFEST_BYTES,
                config.maxPageSize(), config.storage().redirect(), config.schemaOneEnabled());
    }

    // ---- Database (RuntimeDatabase): the metadata stores

    @Produces
    @ApplicationScoped
    RepositoryCatalog repositoryCatalog() {
        return new PostgresRepositoryCatalog(database());
    }

    @Produces
    @ApplicationScoped
    BlobLinkStore blobLinkStore() {
        return new PostgresBlobLinkStore(database());
    }

    @Produces
    @ApplicationScoped
    ManifestStore manifestStore() {
        return new PostgresManifestStore(database());
    }

    @Produces
    @ApplicationScoped
    TagStore tagStore() {
        return new PostgresTagStore(database());
    }

    @Produces
    @ApplicationScoped
    UploadSessionStore uploadSessionStore() {
        return new PostgresUploadSessionStore(database());
    }

    @Produces
    @ApplicationScoped
    Transactions transactions() {
        return new JpaTransactions(database());
    }

    @Produces
    @ApplicationScoped
    StorageUsageStore storageUsageStore() {
        return new PostgresStorageUsageStore(database());
    }

    @Produces
    @ApplicationScoped
    RetentionStore retentionStore() {
        return new PostgresRetentionStore(database());
    }

    @Produces
    @ApplicationScoped
    UserDirectory userDirectory() {
        return new PostgresUserDirectory(database());
    }

    @Produces
    @ApplicationScoped
    RobotTokenStore robotTokenStore() {
        return new PostgresRobotTokenStore(database());
    }

    @Produces
    @ApplicationScoped
    AdminSessionStore adminSessionStore() {
        return new PostgresAdminSessionStore(database());
    }

    @Produces
    @ApplicationScoped
    SigningKeyStore signingKeyStore() {
        return new PostgresSigningKeyStore(database());
    }

    @Produces
    @ApplicationScoped
    LoginFailures loginFailures() {
        return new PostgresLoginFailures(database());
    }

    @Produces
    @ApplicationScoped
    AuditLog auditLog() {
        return new PostgresAuditLog(database());
    }

    @Produces
    @ApplicationScoped
    EventOutbox eventOutbox() {
        return new PostgresEventOutbox(database());
    }

    @Produces
    @ApplicationScoped
    NotificationStore notificationStore() {
        return new PostgresNotificationStore(database());
    }

    @Produces
    @ApplicationScoped
    MaintenanceStore maintenanceStore() {
        return new PostgresMaintenanceStore(database());
    }

    @Produces
    @ApplicationScoped
    GarbageCollectionStore garbageCollectionStore() {
        return new PostgresGarbageCollectionStore(database());
    }

    // ---- Access and TLS (RuntimeAccess)

    @Produces
    PasswordHasher passwordHasher() {
        return access.passwordHasher();
    }

    @Produces
    TokenService tokenService() {
        return access.tokenService();
    }

    @Produces
    AccessSettings accessSettings() {
        return Access.settings(config.auth());
    }

    @Produces
    GeneratedPasswordFile generatedPasswordFile() {
        return () -> Access.removeGeneratedPassword(config);
    }

    @Produces
    AuditRetention auditRetention() {
        return new AuditRetention(config.audit().retention(), config.audit().maxRows());
    }

    /** The cluster's certificates in the database; this node's files (which HTTPS serves) follow each change. */
    @Produces
    @ApplicationScoped
    CertificateStore certificateStore() {
        return new MirroredCertificateStore(new PostgresCertificateStore(database()), servedHere());
    }

    /** This node's copy: what its HTTPS listener serves, for its metrics and expiry warnings. */
    private CertificateStore servedHere() {
        return new FileCertificateStore(booted(config).tls().directory());
    }

    /** DOWN in /health/ready until this node serves the cluster's certificate. */
    @Produces
    ServedCertificateStatus servedCertificateStatus() {
        return access::certificatesCurrent;
    }

    @Produces
    TlsSettings tlsSettings() {
        var tls = config.tls();
        return new TlsSettings(tls.enabled(), tls.managed(), tls.certificate().map(Object::toString), tls.hostnames());
    }

    @Produces
    @ApplicationScoped
    CertificateIssuer certificateIssuer() {
        return new BouncyCastleCertificateIssuer();
    }

    @Produces
    @ApplicationScoped
    PemCodec pemCodec() {
        return new BouncyCastlePemCodec();
    }

    @Produces
    PublicUrls publicUrls() {
        BerthConfig.PublicUrls urls = config.publicUrls();
        return new PublicUrls(urls.host(), urls.relativeUrls(), TrustedProxies.parse(urls.trustedProxies()));
    }

    // ---- Observability (RuntimeObservability)

    @Produces
    HttpObservability httpObservability() {
        return new HttpObservability(config.observability().metricsEnabled(), config.observability().metricsPath(),
                config.observability().accessLog(), config.observability().metricsBearerToken());
    }

    // ---- Pull-through proxies (RuntimeProxies)

    /** One per JVM: the tag checks and fetches in flight are shared by every request. */
    @Produces
    PullThroughCache pullThroughCache() {
        return proxies.cache();
    }

    /** The configured upstreams and the configuration's rules for the admin UI's. */
    @Produces
    UpstreamRules upstreamRules() {
        proxies.cache(); // fails before boot, as every part's producer does
        return proxies;
    }

    /** The nodes sharing the database take turns to fetch a blob: N nodes asked for one blob fetch it once. */
    @Produces
    @ApplicationScoped
    BlobFetchTurns blobFetchTurns() {
        return new PostgresBlobFetchTurns(database());
    }

    @Produces
    @ApplicationScoped
    UpstreamStore upstreamStore() {
        return new PostgresUpstreamStore(database());
    }

    // ---- Events and activity (RuntimeEvents)

    @Produces
    EventSource eventSource() {
        return events.source();
    }

    /** One per JVM: every use case that counts or reads counts shares it. */
    @Produces
    ActivityCounter activityCounter() {
        return events.activity();
    }

    /** One per JVM, like the activity counter. */
    @Produces
    TagPulls tagPulls() {
        return events.tagPulls();
    }

    @Produces
    @ApplicationScoped
    WebhookSender webhookSender() {
        return new JdkWebhookSender();
    }

    // ---- Background work (RuntimeBackgroundWork)

    @Produces
    MaintenanceSettings maintenanceSettings() {
        return GarbageCollectionWorker.maintenanceSettings(config);
    }

    /** Nothing is deleted while the registry is read-only, by configuration or the admin switch. */
    @Produces
    CollectGarbage collectGarbage() {
        return GarbageCollectionWorker.collector(config, database(), storage.blobStore(), clock, background.gcNode(),
                run -> GarbageCollectionWorker.count(metrics, run));
    }
}
