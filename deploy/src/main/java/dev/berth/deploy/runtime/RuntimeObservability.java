package dev.berth.deploy.runtime;

import dev.berth.adapters.db.MetadataDatabase;
import dev.berth.adapters.db.PostgresGarbageCollectionStore;
import dev.berth.adapters.db.PostgresNotificationStore;
import dev.berth.adapters.db.PostgresRepositoryCatalog;
import dev.berth.adapters.db.PostgresStorageUsageStore;
import dev.berth.adapters.http.Metrics;
import dev.berth.adapters.http.ObservabilityFilter;
import dev.berth.application.access.Administration;
import dev.berth.application.browse.BrowseRepositories;
import dev.berth.application.event.EndpointStatus;
import dev.berth.application.event.ListNotificationEndpoints;
import dev.berth.application.port.StorageUsageStore;
import dev.berth.application.registry.PullThroughCache;
import dev.berth.application.tls.CertificateStore;
import dev.berth.application.tls.ShowServedCertificate;
import dev.berth.application.usage.NamespaceUsage;
import dev.berth.application.usage.RegistryUsage;
import dev.berth.deploy.config.BerthConfig;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Start-up area "observability": the log format and the access log's level, then the gauges
 * {@code /metrics} reads (database pool, webhooks, JVM, storage usage, TLS expiry, garbage
 * collection, pull-through cache). The counters are the adapters' own.
 */
final class RuntimeObservability {

    /** The namespaces with a usage gauge each: the largest, so that the label set stays bounded. */
    static final int NAMESPACE_GAUGES = 50;
    /** Held: a logger nobody references may be collected, and its level with it. */
    private static final Logger ACCESS_LOG = Logger.getLogger(ObservabilityFilter.ACCESS_LOGGER);

    private final Map<Handler, Formatter> replacedFormatters = new HashMap<>();
    private TlsProbeLog tlsProbeLog;

    /**
     * log.formatter json: Berth's console lines become JSON from here on (Payara's first boot lines
     * stay text). The access log is on at INFO unless log.accesslog.disabled, whatever log.level says.
     * Clients probing the plain-HTTP port with TLS get one debug line instead of Grizzly's warning.
     */
    void configureLogs(BerthConfig config, boolean launched) {
        ACCESS_LOG.setLevel(config.observability().accessLog() ? Level.INFO : Level.OFF);
        tlsProbeLog = TlsProbeLog.install();
        if (!config.observability().jsonLogs()) {
            return;
        }
        if (!launched) {
            BerthRuntime.LOG.warning("Configuration: log.formatter json applies to berth.jar; the server's log format stays");
            return;
        }
        JsonLogFormatter json = new JsonLogFormatter();
        for (Handler handler : Logger.getLogger("").getHandlers()) {
            replacedFormatters.put(handler, handler.getFormatter());
            handler.setFormatter(json);
        }
    }

    /** The served certificate's expiry is a gauge only when Berth serves HTTPS itself. */
    void registerGauges(Metrics metrics, Clock clock, BerthConfig config, MetadataDatabase database,
                        PullThroughCache proxies, CertificateStore certificates) {
        DatabaseGauges fromDatabase = new DatabaseGauges(metrics, clock);
        metrics.gauge("berth_db_pool_connections", "Metadata database connections by state (active, idle, max)", () -> {
            MetadataDatabase.PoolUsage pool = database.poolUsage();
            return Map.of(Metrics.Labels.of("state", "active"), (double) pool.active(),
                    Metrics.Labels.of("state", "idle"), (double) pool.idle(),
                    Metrics.Labels.of("state", "max"), (double) pool.max());
        });
        metrics.gauge("berth_db_pool_waiting_threads", "Threads waiting for a metadata database connection",
                () -> Map.of(Metrics.Labels.of(), (double) database.poolUsage().waiting()));
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
            ShowServedCertificate served = new ShowServedCertificate(certificates, clock);
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
        GarbageCollectionWorker.registerGauges(fromDatabase, new PostgresGarbageCollectionStore(database), clock);
        metrics.gauge("berth_proxy_requests", "Pull-through cache reads of manifests and blobs by result (hit, miss, stale)",
                () -> {
                    PullThroughCache.Counts counts = proxies.counts();
                    return Map.of(Metrics.Labels.of("result", "hit"), (double) counts.hits(),
                            Metrics.Labels.of("result", "miss"), (double) counts.misses(),
                            Metrics.Labels.of("result", "stale"), (double) counts.stale());
                });
        metrics.gauge("berth_proxy_upstream_errors", "Upstream registry requests of the pull-through cache that failed"
                + " (unreachable, 5xx, refused credentials, digest mismatch)",
                () -> Map.of(Metrics.Labels.of(), (double) proxies.counts().upstreamErrors()));
        metrics.gauge("berth_proxy_fetched_bytes", "Blob bytes the pull-through cache fetched from upstream registries",
                () -> Map.of(Metrics.Labels.of(), (double) proxies.counts().bytesFetched()));
        metrics.gauge("berth_proxy_evicted_manifests", "Cached manifests evicted beyond their upstream's maxsize",
                () -> Map.of(Metrics.Labels.of(), (double) proxies.counts().evicted()));
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

    /** The console's own format again, and Grizzly's TLS probe warnings. */
    void stop() {
        replacedFormatters.forEach(Handler::setFormatter);
        replacedFormatters.clear();
        if (tlsProbeLog != null) {
            tlsProbeLog.uninstall();
            tlsProbeLog = null;
        }
    }
}
