package dev.berth.deploy.runtime;

import dev.berth.application.maintenance.MaintenanceSettings;
import dev.berth.application.system.DatabaseStatus;
import dev.berth.application.system.InstanceInfo;
import dev.berth.application.system.StorageStatus;
import dev.berth.deploy.config.BerthConfig;

import com.sun.management.HotSpotDiagnosticMXBean;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The last step of boot: what started with which settings, in a few lines, logged as the runtime's. */
final class StartSummary {

    private StartSummary() {
    }

    /** The start summary, with {took} for the seconds (the launcher fills it in once Payara serves). */
    static String of(BerthConfig config, InstanceInfo instance, boolean launched, StorageStatus.StorageReport storage,
                     DatabaseStatus.DatabaseReport db, MaintenanceSettings maintenance, BooleanSupplier readOnlyBySwitch,
                     String secretsKeyId) {
        return String.format("""
                Berth %s started in {took} s%s
                  config:   %s
                  storage:  %s %s (deletes %s)
                  database: %s %s, schema version %s, installation %s, %s
                  maintenance: %s
                  secrets:  sealed with key %s (%s)
                  access:   %s%s%s%s%s""",
                instance.version(),
                launched ? ", listening on " + config.http() + " (" + url(config) + ")" : "",
                config.source(),
                storage.driver(), storage.location(), config.storage().deleteEnabled() ? "enabled" : "disabled",
                db.mode(), db.location(), db.schemaVersion(), db.installationId(), durability(db),
                maintenanceLine(maintenance, readOnlyBySwitch),
                secretsKeyId, config.database().secretsKey().isPresent() ? "from database.secrets.key"
                        : config.database().secretsKeyFile(),
                Access.describe(config.auth()),
                launched && config.tls().enabled() ? "\n  tls:      " + config.tls() : "", publicUrlsLine(config),
                proxiesLine(config), launched ? "\n  jvm:      " + jvmLine() : "");
    }

    /** e.g. "max heap 256 MiB, G1 collector (Berth's defaults, deployment.md#memory)". */
    static String jvmLine() {
        HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        String collector = Stream.of("Serial", "G1", "Parallel", "Z", "Shenandoah", "Epsilon")
                .filter(name -> flag(hotspot, "Use" + name + "GC")).findFirst().orElse("another");
        long maxHeap = Long.parseLong(hotspot.getVMOption("MaxHeapSize").getValue()) >> 20;
        // set by berth.jar's Main-Class when it started the JVM again with its defaults
        boolean berths = "applied".equals(System.getProperty("berth.jvmDefaults"));
        return "max heap " + maxHeap + " MiB, " + collector + " collector ("
                + (berths ? "Berth's defaults" : "as the JVM was started") + ", deployment.md#memory)";
    }

    private static boolean flag(HotSpotDiagnosticMXBean hotspot, String name) {
        try {
            return Boolean.parseBoolean(hotspot.getVMOption(name).getValue());
        } catch (IllegalArgumentException e) {
            return false; // a collector this JVM was built without
        }
    }

    /** e.g. "durable (fsync on, synchronous_commit on, full_page_writes on)"; a database that is not is a warning. */
    private static String durability(DatabaseStatus.DatabaseReport db) {
        String settings = db.durabilitySettings();
        if (!db.durable()) {
            BerthRuntime.LOG.warning("The metadata database does not run durably (" + settings + "): pushes acknowledged"
                    + " before a crash or power loss may be lost");
        }
        return (db.durable() ? "durable" : "NOT durable") + " (" + settings + ")";
    }

    /** e.g. "read-only (storage.maintenance.readonly), uploads untouched for 168h purged every 24h". */
    private static String maintenanceLine(MaintenanceSettings maintenance, BooleanSupplier readOnlyBySwitch) {
        String mode = maintenance.readOnlyForced() ? "read-only (storage.maintenance.readonly)"
                : readOnlyBySwitch.getAsBoolean() ? "read-only (admin switch)" : "writable";
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
    private static String publicUrlsLine(BerthConfig config) {
        BerthConfig.PublicUrls urls = config.publicUrls();
        if (urls.host().isEmpty() && !urls.relativeUrls() && urls.trustedProxies().isEmpty()) {
            return "";
        }
        return "\n  urls:     " + urls.host().orElse("from each request") + (urls.relativeUrls() ? ", relative Location" : "")
                + ", X-Forwarded-* believed from " + (urls.trustedProxies().isEmpty() ? "nobody"
                : String.join(", ", urls.trustedProxies()));
    }

    /** Only when configured: which namespaces mirror which upstream (never a password). */
    private static String proxiesLine(BerthConfig config) {
        return config.proxies().isEmpty() ? "" : "\n  pull-through cache: " + config.proxies().stream()
                .map(BerthConfig.Proxy::toString).collect(Collectors.joining("; ")) + " (pushes there refused)";
    }

    private static String url(BerthConfig config) {
        return config.tls().enabled() ? config.http().url().replaceFirst("^http:", "https:") : config.http().url();
    }
}
