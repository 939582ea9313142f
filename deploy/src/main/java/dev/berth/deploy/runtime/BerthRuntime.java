package dev.berth.deploy.runtime;

import dev.berth.adapters.db.DatabaseSettings;
import dev.berth.adapters.db.EmbeddedPostgres;
import dev.berth.adapters.db.JpaTransactions;
import dev.berth.adapters.db.MetadataDatabase;
import dev.berth.adapters.db.PostgresActivityStore;
import dev.berth.adapters.db.PostgresAuditLog;
import dev.berth.adapters.db.PostgresGarbageCollectionStore;
import dev.berth.adapters.db.PostgresBlobLinkStore;
import dev.berth.adapters.db.PostgresDatabaseStatus;
import dev.berth.adapters.db.PostgresLoginFailures;
import dev.berth.adapters.db.PostgresEventOutbox;
import dev.berth.adapters.db.PostgresNotificationStore;
import dev.berth.adapters.http.HttpObservability;
import dev.berth.adapters.http.PublicUrls;
import dev.berth.adapters.http.TrustedProxies;
import dev.berth.adapters.http.JdkWebhookSender;
import dev.berth.adapters.http.Metrics;
import dev.berth.adapters.http.ObservabilityFilter;
import dev.berth.adapters.db.PostgresMaintenanceStore;
import dev.berth.adapters.db.PostgresManifestStore;
import dev.berth.adapters.db.PostgresRepositoryCatalog;
import dev.berth.adapters.db.PostgresRetentionStore;
import dev.berth.adapters.db.PostgresStorageUsageStore;
import dev.berth.adapters.db.PostgresRobotTokenStore;
import dev.berth.adapters.db.PostgresSigningKeyStore;
import dev.berth.adapters.db.SealPlainSecrets;
import dev.berth.adapters.db.PostgresTagStore;
import dev.berth.adapters.db.PostgresUploadSessionStore;
import dev.berth.adapters.db.PostgresUserDirectory;
import dev.berth.adapters.http.security.BcryptPasswordHasher;
import dev.berth.adapters.http.security.JwtTokenService;
import dev.berth.adapters.http.upstream.HttpUpstreamRegistry;
import dev.berth.application.access.AccessSettings;
import dev.berth.application.port.GeneratedPasswordFile;
import dev.berth.application.access.Administration;
import dev.berth.application.access.AuditRetention;
import dev.berth.application.access.PruneAuditLog;
import dev.berth.application.access.PruneLoginFailures;
import dev.berth.application.gc.CollectGarbage;
import dev.berth.application.port.AuditLog;
import dev.berth.application.port.GarbageCollectionStore;
import dev.berth.adapters.http.tls.BouncyCastleCertificateIssuer;
import dev.berth.adapters.http.tls.BouncyCastlePemCodec;
import dev.berth.adapters.http.tls.FileCertificateStore;
import dev.berth.application.browse.BrowseRepositories;
import dev.berth.application.event.ActivityCounter;
import dev.berth.application.event.ConfigureNotificationEndpoints;
import dev.berth.application.event.DeliverEvents;
import dev.berth.application.event.EndpointStatus;
import dev.berth.application.event.EnvelopeFormat;
import dev.berth.application.event.ListNotificationEndpoints;
import dev.berth.application.event.EventAction;
import dev.berth.application.event.EventSource;
import dev.berth.application.event.NotificationEndpoint;
import dev.berth.application.event.PruneDeliveredEvents;
import dev.berth.application.port.BlobLinkStore;
import dev.berth.application.port.EventOutbox;
import dev.berth.application.port.NotificationStore;
import dev.berth.application.port.WebhookSender;
import dev.berth.application.port.BlobStore;
import dev.berth.application.port.LoginFailures;
import dev.berth.application.maintenance.MaintenanceMode;
import dev.berth.application.maintenance.MaintenanceSettings;
import dev.berth.application.maintenance.PurgeAbandonedUploads;
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
import dev.berth.application.registry.ProxyRoute;
import dev.berth.application.registry.EvictPullThroughCache;
import dev.berth.application.registry.PullThroughCache;
import dev.berth.application.registry.RegistrySettings;
import dev.berth.application.retention.ApplyRetention;
import dev.berth.application.retention.RunScheduledRetention;
import dev.berth.application.retention.TagPulls;
import dev.berth.application.usage.NamespaceUsage;
import dev.berth.application.usage.RegistryUsage;
import dev.berth.application.system.DatabaseStatus;
import dev.berth.application.system.EffectiveSettings;
import dev.berth.application.system.InstanceInfo;
import dev.berth.application.system.LivenessStatus;
import dev.berth.application.system.BlobStoreStatus;
import dev.berth.application.system.ScheduledStorageStatus;
import dev.berth.application.system.StorageStatus;
import dev.berth.application.tls.CertificateIssuer;
import dev.berth.application.tls.CertificateStore;
import dev.berth.application.tls.ShowServedCertificate;
import dev.berth.application.tls.PemCodec;
import dev.berth.application.tls.TlsSettings;
import dev.berth.application.tls.WarnCertificateExpiry;
import dev.berth.deploy.config.BerthConfig;
import dev.berth.deploy.config.ConfigLoader;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.function.ToDoubleFunction;
import java.util.logging.Formatter;
import java.util.logging.Handler;
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
    /** Set once Berth serves; the launcher's start-up watchdog waits for it. */
    public static final String READY_PROPERTY = "berth.ready";
    /** Under the launcher: the start summary, with {took} for the seconds, which the launcher logs once Payara serves. */
    public static final String STARTED_PROPERTY = "berth.started";

    /** Microsecond ticks: PostgreSQL keeps timestamps to the microsecond, so what is stored reads back equal. */
    private final Clock clock = Clock.tick(Clock.systemUTC(), Duration.ofNanos(1000));
    private BerthConfig config;
    private RunningDatabase runningDatabase;
    private volatile MetadataDatabase database;
    private InstanceInfo instance;
    private BlobStore blobStore;
    private PasswordHasher passwordHasher;
    private TokenService tokenService;
    private ScheduledExecutorService daily;
    private EventSource eventSource;
    private NotificationWorker notificationWorker;
    /** Pushes and pulls counted in memory, flushed to the database every {@link #ACTIVITY_FLUSH}. */
    private ActivityCounter activity;
    private ScheduledExecutorService activityFlush;
    private volatile ScheduledStorageStatus storageStatus;
    private Housekeeping housekeeping;
    private GarbageCollectionWorker garbageCollection;
    /** This node's name in the garbage collector's lease. */
    private String gcNode;
    private UploadPurging uploadPurging;
    /** When tags were pulled, noted in memory and written with the activity counts. */
    private TagPulls tagPulls;
    private RetentionWorker retentionWorker;
    /** The upstreams mirrored, with the tag checks and blob fetches of this JVM. */
    private PullThroughCache pullThroughCache;
    private final List<HttpUpstreamRegistry> upstreams = new ArrayList<>();
    /** The namespaces with a usage gauge each: the largest, so that the label set stays bounded. */
    static final int NAMESPACE_GAUGES = 50;
    static final Duration ACTIVITY_FLUSH = Duration.ofSeconds(10);
    private static final String STARTING = "Berth is starting";
    /** Held: a logger nobody references may be collected, and its level with it. */
    private static final Logger ACCESS_LOG = Logger.getLogger(ObservabilityFilter.ACCESS_LOGGER);
    private final Map<Handler, Formatter> replacedFormatters = new HashMap<>();
    private TlsProbeLog tlsProbeLog;

    @Inject
    Metrics metrics;

    /**
     * Resolved by the retention worker at its first run, not during boot: Weld warned (WELD-000018,
     * a dozen lines at every start) about producing this class's beans for it while it was starting.
     */
    @Inject
    Instance<ApplyRetention> applyRetention;

    /** Resolved at the first eviction run, as {@link #applyRetention}, and kept: a dependent bean per run would pile up. */
    @Inject
    Instance<EvictPullThroughCache> evictPullThroughCache;
    private EvictPullThroughCache evictor;

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
        // probed here and then on a schedule: health requests read the last result, never write themselves
        storageStatus = new ScheduledStorageStatus(new BlobStoreStatus(new MeteredBlobStore(blobStore, metrics)),
                Housekeeping.STORAGE_PROBE, clock);
        StorageStatus.StorageReport storage = storageStatus.probe();
        if (!storage.writable()) {
            // a registry that cannot store what it is sent must say so now, not on the first push
            throw new IllegalStateException("storage " + storage.driver() + " at " + storage.location()
                    + " does not accept writes: " + storage.problem());
        }
        runningDatabase = RunningDatabase.start(config);
        database = runningDatabase.metadata();
        // manifests and event filters kept in memory, coherent through PostgreSQL's notifications
        database.listenForChanges();
        DatabaseSettings settings = runningDatabase.settings();
        int sealed = new SealPlainSecrets(database).run();
        if (sealed > 0) {
            LOG.info("Sealed " + sealed + " secrets an earlier version kept in plain text in the database");
        }
        instance = new InstanceInfo(BerthVersion.get(), Instant.ofEpochMilli(jvmStart()),
                launched ? config.http().toString() : "application server listener");

        passwordHasher = new BcryptPasswordHasher(config.auth().bcryptCost());
        tokenService = Access.tokens(config.auth(), new JwtTokenService(new PostgresSigningKeyStore(database),
                config.auth().issuer(), config.auth().service(), Access.KEY_ROTATION,
                Access.longestTokenLifetime(config.auth()), clock), clock);
        Access.prepare(config, database, passwordHasher, clock);
        configureLogs(launched);
        List<ProxyRoute> routes = new ArrayList<>();
        for (BerthConfig.Proxy proxy : config.proxies()) {
            HttpUpstreamRegistry upstream = new HttpUpstreamRegistry(proxy.remoteUrl(), proxy.username(),
                    proxy.password(), proxy.caBundle(), proxy.client().map(c -> new HttpUpstreamRegistry.ClientCertificate(
                            c.certificate(), c.privateKey())), proxy.tlsKey(), clock);
            upstreams.add(upstream);
            routes.add(new ProxyRoute(proxy.prefix(), proxy.ttl(), proxy.maxBytes(), upstream));
        }
        pullThroughCache = new PullThroughCache(routes);
        registerGauges();
        eventSource = new EventSource(LocalHost.name() + ":" + config.http().port(), UUID.randomUUID().toString());
        startCountingActivity();
        gcNode = GarbageCollectionWorker.nodeName();
        MaintenanceSettings maintenance = maintenanceSettings();
        startBackgroundWork(maintenance);

        DatabaseStatus.DatabaseReport db = new PostgresDatabaseStatus(database).report();
        String summary = String.format("""
                Berth %s started in {took} s%s
                  config:   %s
                  storage:  %s %s (deletes %s)
                  database: %s %s, schema version %s, installation %s, %s
                  maintenance: %s
                  secrets:  sealed with key %s (%s)
                  access:   %s%s%s%s""",
                instance.version(),
                launched ? ", listening on " + config.http() + " (" + url() + ")" : "",
                config.source(),
                storage.driver(), storage.location(), config.storage().deleteEnabled() ? "enabled" : "disabled",
                db.mode(), db.location(), db.schemaVersion(), db.installationId(), durability(db),
                maintenanceLine(maintenance),
                settings.secrets().keyId(), config.database().secretsKey().isPresent() ? "from database.secrets.key"
                        : config.database().secretsKeyFile(),
                Access.describe(config.auth()),
                launched && config.tls().enabled() ? "\n  tls:      " + config.tls() : "", publicUrlsLine(),
                proxiesLine());
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
        warnDailyAboutCertificateExpiry();
        if (!launched) {
            System.setProperty(READY_PROPERTY, "true");
        }
    }

    /** e.g. "durable (fsync on, synchronous_commit on, full_page_writes on)"; a database that is not is a warning. */
    private static String durability(DatabaseStatus.DatabaseReport db) {
        String settings = db.durabilitySettings();
        if (!db.durable()) {
            LOG.warning("The metadata database does not run durably (" + settings + "): pushes acknowledged"
                    + " before a crash or power loss may be lost");
        }
        return (db.durable() ? "durable" : "NOT durable") + " (" + settings + ")";
    }

    /** e.g. "read-only (storage.maintenance.readonly), uploads untouched for 168h purged every 24h". */
    private String maintenanceLine(MaintenanceSettings maintenance) {
        String mode = maintenance.readOnlyForced() ? "read-only (storage.maintenance.readonly)"
                : new PostgresMaintenanceStore(database).readOnly() ? "read-only (admin switch)" : "writable";
        String purging = !maintenance.purgeUploads() ? "upload purging off"
                : "uploads untouched for " + goDuration(maintenance.purgeAge()) + " purged every "
                + goDuration(maintenance.purgeInterval()) + (maintenance.purgeDryRun() ? " (dry run)" : "");
        return mode + ", " + purging;
    }

    /** As the configuration writes it: 168h, 30m, 2s. */
    private static String goDuration(Duration d) {
        long seconds = d.toSeconds();
        if (seconds == 0 || d.toNanosPart() % 1_000_000 != 0 || d.toMillis() % 1000 != 0) {
            return d.toMillis() + "ms";
        }
        return seconds % 3600 == 0 ? seconds / 3600 + "h" : seconds % 60 == 0 ? seconds / 60 + "m" : seconds + "s";
    }

    /** Only when set: where URLs point and whose X-Forwarded-* headers count. */
    private String publicUrlsLine() {
        BerthConfig.PublicUrls urls = config.publicUrls();
        if (urls.host().isEmpty() && !urls.relativeUrls() && urls.trustedProxies().isEmpty()) {
            return "";
        }
        return "\n  urls:     " + urls.host().orElse("from each request") + (urls.relativeUrls() ? ", relative Location" : "")
                + ", X-Forwarded-* believed from " + (urls.trustedProxies().isEmpty() ? "nobody"
                : String.join(", ", urls.trustedProxies()));
    }

    /** Only when configured: which namespaces mirror which upstream (never a password). */
    private String proxiesLine() {
        return config.proxies().isEmpty() ? "" : "\n  pull-through cache: " + config.proxies().stream()
                .map(BerthConfig.Proxy::toString).collect(Collectors.joining("; ")) + " (pushes there refused)";
    }

    private String url() {
        return config.tls().enabled() ? config.http().url().replaceFirst("^http:", "https:") : config.http().url();
    }

    /** At start and then every day: a served certificate near its end is a warning in the log. */
    private void warnDailyAboutCertificateExpiry() {
        WarnCertificateExpiry warning = new WarnCertificateExpiry(certificateStore(), clock);
        daily = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("berth-daily").daemon().factory());
        daily.scheduleAtFixedRate(() -> {
            try {
                warning.check();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Checking the served certificate's expiry failed", e);
            }
        }, 0, 1, TimeUnit.DAYS);
    }

    /**
     * log.formatter json: Berth's console lines become JSON from here on (Payara's first boot lines
     * stay text). The access log is on at INFO unless log.accesslog.disabled, whatever log.level says.
     * Clients probing the plain-HTTP port with TLS get one debug line instead of Grizzly's warning.
     */
    private void configureLogs(boolean launched) {
        ACCESS_LOG.setLevel(config.observability().accessLog() ? Level.INFO : Level.OFF);
        tlsProbeLog = TlsProbeLog.install();
        if (!config.observability().jsonLogs()) {
            return;
        }
        if (!launched) {
            LOG.warning("Configuration: log.formatter json applies to berth.jar; the server's log format stays");
            return;
        }
        JsonLogFormatter json = new JsonLogFormatter();
        for (Handler handler : Logger.getLogger("").getHandlers()) {
            replacedFormatters.put(handler, handler.getFormatter());
            handler.setFormatter(json);
        }
    }

    private void registerGauges() {
        MetadataDatabase db = database;
        DatabaseGauges fromDatabase = new DatabaseGauges(metrics, clock);
        metrics.gauge("berth_db_pool_connections", "Metadata database connections by state (active, idle, max)", () -> {
            MetadataDatabase.PoolUsage pool = db.poolUsage();
            return Map.of(Metrics.Labels.of("state", "active"), (double) pool.active(),
                    Metrics.Labels.of("state", "idle"), (double) pool.idle(),
                    Metrics.Labels.of("state", "max"), (double) pool.max());
        });
        metrics.gauge("berth_db_pool_waiting_threads", "Threads waiting for a metadata database connection",
                () -> Map.of(Metrics.Labels.of(), (double) db.poolUsage().waiting()));
        ListNotificationEndpoints endpoints = new ListNotificationEndpoints(new PostgresNotificationStore(database));
        fromDatabase.gauge("berth_webhook_queue_depth", "Events waiting for delivery, by endpoint (all nodes)",
                () -> webhookGauge(endpoints, s -> (double) s.queueDepth()));
        fromDatabase.gauge("berth_webhook_failures", "Failed delivery attempts since the endpoint was created, by endpoint",
                () -> webhookGauge(endpoints, s -> (double) s.totalFailures()));
        fromDatabase.gauge("berth_webhook_consecutive_failures", "Failed delivery attempts since the last success, by endpoint",
                () -> webhookGauge(endpoints, s -> (double) s.consecutiveFailures()));
        fromDatabase.gauge("berth_webhook_delivered", "Events delivered since the endpoint was created, by endpoint",
                () -> webhookGauge(endpoints, s -> (double) s.delivered()));
        metrics.gauge("berth_jvm_memory_bytes", "JVM memory by area (heap, nonheap) and kind (used, committed, max)", () -> {
            MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
            Map<Metrics.Labels, Double> values = new LinkedHashMap<>();
            memoryUsage(values, "heap", memory.getHeapMemoryUsage());
            memoryUsage(values, "nonheap", memory.getNonHeapMemoryUsage());
            return values;
        });
        metrics.gauge("berth_manifest_cache_requests", "Manifest reads answered from memory (hit) or the database (miss)",
                () -> {
                    MetadataDatabase.CacheUsage usage = database.manifestCacheUsage();
                    return Map.of(Metrics.Labels.of("result", "hit"), (double) usage.hits(),
                            Metrics.Labels.of("result", "miss"), (double) usage.misses());
                });
        metrics.gauge("berth_jvm_threads", "Live JVM threads",
                () -> Map.of(Metrics.Labels.of(), (double) ManagementFactory.getThreadMXBean().getThreadCount()));
        metrics.gauge("berth_jvm_gc_collections", "Garbage collections by collector", () -> {
            Map<Metrics.Labels, Double> values = new LinkedHashMap<>();
            ManagementFactory.getGarbageCollectorMXBeans().forEach(gc ->
                    values.put(Metrics.Labels.of("gc", gc.getName()), (double) gc.getCollectionCount()));
            return values;
        });
        metrics.gauge("berth_jvm_gc_seconds", "Time spent in garbage collection by collector", () -> {
            Map<Metrics.Labels, Double> values = new LinkedHashMap<>();
            ManagementFactory.getGarbageCollectorMXBeans().forEach(gc ->
                    values.put(Metrics.Labels.of("gc", gc.getName()), gc.getCollectionTime() / 1000.0));
            return values;
        });
        BrowseRepositories browse = new BrowseRepositories(new PostgresRepositoryCatalog(database));
        metrics.gauge("berth_admin_repository_rows_fetched", "Repository rows the admin UI's grids have fetched since start",
                () -> Map.of(Metrics.Labels.of(), (double) browse.rowsFetched()));
        if (config.tls().enabled()) {
            ShowServedCertificate served = new ShowServedCertificate(certificateStore(), clock);
            metrics.gauge("berth_tls_certificate_expiry_days", "Days until the served certificate expires (negative: expired)",
                    () -> served.chain().stream().findFirst()
                            .map(c -> Map.of(Metrics.Labels.of("subject", c.subject(), "fingerprint", c.sha256Fingerprint()),
                                    (double) c.daysLeft()))
                            .orElse(Map.of()));
        }
        PostgresStorageUsageStore usage = new PostgresStorageUsageStore(database);
        fromDatabase.gauge("berth_storage_bytes", "Bytes stored, deduplicated across the registry, by kind (blobs, manifests)",
                () -> {
                    RegistryUsage registry = usage.registry();
                    return Map.of(Metrics.Labels.of("kind", "blobs"), (double) registry.blobBytes(),
                            Metrics.Labels.of("kind", "manifests"), (double) registry.manifestBytes());
                });
        fromDatabase.gauge("berth_storage_blobs", "Distinct blobs linked by any repository",
                () -> Map.of(Metrics.Labels.of(), (double) usage.registry().blobs()));
        fromDatabase.gauge("berth_namespace_stored_bytes", "Bytes a namespace stores (its distinct blobs plus manifests),"
                + " for the " + NAMESPACE_GAUGES + " largest namespaces", () -> namespaceGauge(usage, u -> u.storedBytes()));
        fromDatabase.gauge("berth_namespace_quota_bytes", "A namespace's byte quota, for those of the " + NAMESPACE_GAUGES
                + " largest namespaces that have one", () -> namespaceGauge(usage, u -> u.quotaBytes().isPresent()
                ? u.quotaBytes().getAsLong() : -1));
        GarbageCollectionWorker.registerGauges(fromDatabase, garbageCollectionStore(), clock);
        metrics.gauge("berth_proxy_requests", "Pull-through cache reads of manifests and blobs by result (hit, miss, stale)",
                () -> {
                    PullThroughCache.Counts counts = pullThroughCache.counts();
                    return Map.of(Metrics.Labels.of("result", "hit"), (double) counts.hits(),
                            Metrics.Labels.of("result", "miss"), (double) counts.misses(),
                            Metrics.Labels.of("result", "stale"), (double) counts.stale());
                });
        metrics.gauge("berth_proxy_upstream_errors", "Upstream registry requests of the pull-through cache that failed"
                + " (unreachable, 5xx, refused credentials, digest mismatch)",
                () -> Map.of(Metrics.Labels.of(), (double) pullThroughCache.counts().upstreamErrors()));
        metrics.gauge("berth_proxy_fetched_bytes", "Blob bytes the pull-through cache fetched from upstream registries",
                () -> Map.of(Metrics.Labels.of(), (double) pullThroughCache.counts().bytesFetched()));
        metrics.gauge("berth_proxy_evicted_manifests", "Cached manifests evicted beyond their upstream's maxsize",
                () -> Map.of(Metrics.Labels.of(), (double) pullThroughCache.counts().evicted()));
        metrics.gauge("berth_process_uptime_seconds", "Seconds since the JVM started",
                () -> Map.of(Metrics.Labels.of(), ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0));
    }

    private static void memoryUsage(Map<Metrics.Labels, Double> values, String area, MemoryUsage usage) {
        values.put(Metrics.Labels.of("area", area, "kind", "used"), (double) usage.getUsed());
        values.put(Metrics.Labels.of("area", area, "kind", "committed"), (double) usage.getCommitted());
        if (usage.getMax() >= 0) {
            values.put(Metrics.Labels.of("area", area, "kind", "max"), (double) usage.getMax());
        }
    }

    /** Per namespace, largest first; a negative value leaves the namespace out. */
    private static Map<Metrics.Labels, Double> namespaceGauge(StorageUsageStore usage,
                                                              ToDoubleFunction<NamespaceUsage> value) {
        Map<Metrics.Labels, Double> values = new LinkedHashMap<>();
        usage.largest(0, NAMESPACE_GAUGES).forEach(u -> {
            double v = value.applyAsDouble(u);
            if (v >= 0) {
                values.put(Metrics.Labels.of("namespace", u.namespace()), v);
            }
        });
        return values;
    }

    private static Map<Metrics.Labels, Double> webhookGauge(ListNotificationEndpoints endpoints,
                                                            ToDoubleFunction<EndpointStatus> value) {
        Map<Metrics.Labels, Double> values = new LinkedHashMap<>();
        endpoints.list(Administration.SYSTEM).forEach(s -> values.put(Metrics.Labels.of("endpoint", s.endpoint().name()),
                value.applyAsDouble(s)));
        return values;
    }

    /** The workers of a serving node: event delivery, retention, housekeeping, garbage collection, upload purging. */
    private void startBackgroundWork(MaintenanceSettings maintenance) {
        startNotifications();
        retentionWorker = new RetentionWorker(new RunScheduledRetention(new PostgresRetentionStore(database),
                applyRetention::get, new MaintenanceMode(maintenanceStore(), maintenance),
                new JpaTransactions(database), config.retention().interval(), clock),
                config.retention().interval());
        housekeeping = new Housekeeping(storageStatus, new PruneLoginFailures(loginFailures(), accessSettings(), clock),
                new PruneAuditLog(auditLog(), auditRetention(), clock));
        if (config.gc().enabled()) {
            garbageCollection = GarbageCollectionWorker.every(config.gc().interval(), collectGarbage(),
                    config.gc().deleteUntagged());
        }
        if (maintenance.purgeUploads()) {
            uploadPurging = new UploadPurging(new PurgeAbandonedUploads(uploadSessionStore(), blobStore(),
                    maintenanceStore(), new MaintenanceMode(maintenanceStore(), maintenance), maintenance, clock),
                    maintenance.purgeInterval(), metrics);
        }
    }

    /** Seeds the configured endpoints and starts delivering: events queued before a crash go out now. */
    private void startNotifications() {
        NotificationStore store = new PostgresNotificationStore(database);
        Transactions transactions = new JpaTransactions(database);
        new ConfigureNotificationEndpoints(store, transactions).configure(
                config.notifications().endpoints().stream().map(BerthRuntime::endpoint).toList());
        notificationWorker = new NotificationWorker(
                new DeliverEvents(store, new JdkWebhookSender(), transactions, clock),
                new PruneDeliveredEvents(store, clock), config.notifications().retention());
        config.notifications().endpoints().forEach(e -> LOG.info("Notifications: endpoint " + e));
    }

    /** The dashboard's pushes and pulls of today, without a database write per pull. */
    private void startCountingActivity() {
        activity = new ActivityCounter(new PostgresActivityStore(database), clock);
        tagPulls = new TagPulls(new PostgresRetentionStore(database), clock);
        activityFlush = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("berth-activity").daemon().factory());
        activityFlush.scheduleWithFixedDelay(this::flushActivity, ACTIVITY_FLUSH.toMillis(), ACTIVITY_FLUSH.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** A failed flush keeps its counts for the next one: log it and go on. */
    private void flushActivity() {
        try {
            activity.flush();
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "Flushing push and pull counts failed; retrying", e);
        }
        try {
            tagPulls.flush();
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "Writing tag pull times failed; retrying", e);
        }
        try {
            pullThroughCache.flushPulls(manifestStore());
            if (pullThroughCache.evictionDue()) {
                if (evictor == null) {
                    evictor = evictPullThroughCache.get();
                }
                evictor.run();
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Pull-through cache: recording pulls or evicting failed; retrying", e);
        }
    }

    private static NotificationEndpoint endpoint(BerthConfig.Endpoint e) {
        return new NotificationEndpoint(e.name(), e.url(), e.headers(), e.timeout(), e.threshold(), e.backoff(),
                e.ignoredMediaTypes(), e.ignoredActions().stream().map(EventAction::parse).collect(Collectors.toSet()),
                EnvelopeFormat.parse(e.format()), e.signingKey(), e.disabled());
    }

    private static long jvmStart() {
        return ManagementFactory.getRuntimeMXBean().getStartTime();
    }

    @PreDestroy
    void stop() {
        if (garbageCollection != null) {
            garbageCollection.close();
            garbageCollection = null;
        }
        if (retentionWorker != null) {
            retentionWorker.close();
            retentionWorker = null;
        }
        if (housekeeping != null) {
            housekeeping.close();
            housekeeping = null;
        }
        if (uploadPurging != null) {
            uploadPurging.close();
            uploadPurging = null;
        }
        if (daily != null) {
            daily.shutdownNow();
            daily = null;
        }
        upstreams.forEach(HttpUpstreamRegistry::close);
        upstreams.clear();
        replacedFormatters.forEach(Handler::setFormatter);
        replacedFormatters.clear();
        if (tlsProbeLog != null) {
            tlsProbeLog.uninstall();
            tlsProbeLog = null;
        }
        if (notificationWorker != null) {
            notificationWorker.close();
            notificationWorker = null;
        }
        if (activityFlush != null) {
            // not interrupted: a flush in progress finishes its transaction
            activityFlush.shutdown();
            try {
                activityFlush.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            activityFlush = null;
            // the last counts, while the database is still there
            flushActivity();
        }
        if (runningDatabase != null) {
            runningDatabase.close();
            runningDatabase = null;
            database = null;
        }
    }

    /**
     * Payara runs the health checks while the application deploys, before {@link #boot()} has
     * opened the database: a producer asked that early must fail (Weld then keeps nothing) rather
     * than hand out an adapter around null that its scope would keep for good.
     */
    private MetadataDatabase database() {
        return booted(database);
    }

    private static <T> T booted(T part) {
        if (part == null) {
            throw new IllegalStateException(STARTING);
        }
        return part;
    }

    /** Health checks answer so (not ready) until the database and the storage are there. */
    @Produces
    @ApplicationScoped
    DatabaseStatus databaseStatus() {
        return () -> {
            MetadataDatabase opened = database;
            return opened == null ? new DatabaseStatus.DatabaseReport(STARTING, "", false, null, null, STARTING)
                    : new PostgresDatabaseStatus(opened).report();
        };
    }

    /** Not live only when the embedded PostgreSQL stays down despite its supervisor's restarts. */
    @Produces
    LivenessStatus livenessStatus() {
        return () -> {
            RunningDatabase running = runningDatabase;
            return running == null ? Optional.empty() : running.embedded().flatMap(EmbeddedPostgres::failure);
        };
    }

    @Produces
    @ApplicationScoped
    StorageStatus storageStatus() {
        return () -> {
            ScheduledStorageStatus probed = storageStatus;
            return probed == null ? new StorageStatus.StorageReport(STARTING, "", false, STARTING) : probed.report();
        };
    }

    @Produces
    @ApplicationScoped
    BlobStore blobStore() {
        return new MeteredBlobStore(booted(blobStore), metrics);
    }

    @Produces
    PublicUrls publicUrls() {
        BerthConfig.PublicUrls urls = config.publicUrls();
        return new PublicUrls(urls.host(), urls.relativeUrls(), TrustedProxies.parse(urls.trustedProxies()));
    }

    @Produces
    HttpObservability httpObservability() {
        return new HttpObservability(config.observability().metricsEnabled(), config.observability().metricsPath(),
                config.observability().accessLog(), config.observability().metricsBearerToken());
    }

    @Produces
    @ApplicationScoped
    RepositoryCatalog repositoryCatalog() {
        return new PostgresRepositoryCatalog(database());
    }

    @Produces
    @ApplicationScoped
    GarbageCollectionStore garbageCollectionStore() {
        return new PostgresGarbageCollectionStore(database());
    }

    /** Nothing is deleted while the registry is read-only, by configuration or the admin switch. */
    @Produces
    CollectGarbage collectGarbage() {
        return GarbageCollectionWorker.collector(config, database(), new MeteredBlobStore(booted(blobStore), metrics), clock, gcNode,
                run -> GarbageCollectionWorker.count(metrics, run));
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
    MaintenanceStore maintenanceStore() {
        return new PostgresMaintenanceStore(database());
    }

    @Produces
    MaintenanceSettings maintenanceSettings() {
        return GarbageCollectionWorker.maintenanceSettings(config);
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

    /** One per JVM, like the activity counter. */
    @Produces
    TagPulls tagPulls() {
        return tagPulls;
    }

    /** One per JVM: the tag checks and fetches in flight are shared by every request. */
    @Produces
    PullThroughCache pullThroughCache() {
        return booted(pullThroughCache);
    }

    @Produces
    @ApplicationScoped
    CertificateStore certificateStore() {
        return new FileCertificateStore(config.tls().directory());
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
    RegistrySettings registrySettings() {
        return new RegistrySettings(config.storage().deleteEnabled(), RegistrySettings.DEFAULT_MAX_MANIFEST_BYTES,
                config.maxPageSize(), config.storage().redirect(), config.schemaOneEnabled());
    }

    @Produces
    @ApplicationScoped
    UserDirectory userDirectory() {
        return new PostgresUserDirectory(database());
    }

    @Produces
    @ApplicationScoped
    EventOutbox eventOutbox() {
        return new PostgresEventOutbox(database());
    }

    @Produces
    @ApplicationScoped
    RobotTokenStore robotTokenStore() {
        return new PostgresRobotTokenStore(database());
    }

    @Produces
    @ApplicationScoped
    NotificationStore notificationStore() {
        return new PostgresNotificationStore(database());
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
    SigningKeyStore signingKeyStore() {
        return new PostgresSigningKeyStore(database());
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
    GeneratedPasswordFile generatedPasswordFile() {
        return () -> Access.removeGeneratedPassword(config);
    }

    @Produces
    AuditRetention auditRetention() {
        return new AuditRetention(config.audit().retention(), config.audit().maxRows());
    }

    @Produces
    @ApplicationScoped
    WebhookSender webhookSender() {
        return new JdkWebhookSender();
    }

    @Produces
    EventSource eventSource() {
        return eventSource;
    }

    /** One per JVM: every use case that counts or reads counts shares it. */
    @Produces
    ActivityCounter activityCounter() {
        return activity;
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
}
