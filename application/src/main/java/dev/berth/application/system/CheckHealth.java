package dev.berth.application.system;

import dev.berth.application.maintenance.MaintenanceMode;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Provider;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Use case: is this instance able to serve (metadata database reachable, storage writable)? The
 * database is asked at each call (one small query); the storage answer is the last scheduled probe's
 * (see {@link ScheduledStorageStatus}).
 */
@Dependent
public class CheckHealth {

    /** What anybody is told; the cause (hosts, paths, bucket names) only reaches administrators. */
    static final String DATABASE_DOWN = "the metadata database is unavailable";
    static final String STORAGE_DOWN = "the storage does not accept writes";

    private final StorageStatus storage;
    private final DatabaseStatus database;
    private final Provider<MaintenanceMode> mode;

    /**
     * @param mode looked up at each check: the health checks are made while the application deploys,
     *             before the configuration that the maintenance mode reads is loaded
     */
    @Inject
    public CheckHealth(StorageStatus storage, DatabaseStatus database, Provider<MaintenanceMode> mode) {
        this.storage = storage;
        this.database = database;
        this.mode = mode;
    }

    public HealthReport check() {
        return new HealthReport(List.of(database(), storage()));
    }

    public HealthReport.Check database() {
        DatabaseStatus.DatabaseReport db = database.report();
        Map<String, String> details = new LinkedHashMap<>();
        details.put("mode", db.mode());
        putIfPresent(details, "schemaVersion", db.schemaVersion());
        putIfPresent(details, "installationId", db.installationId());
        if (!db.reachable()) {
            details.put("problem", DATABASE_DOWN);
        }
        // whether an acknowledged push survives a crash or power loss, for operators to see
        new TreeMap<>(db.durability()).forEach(details::put);
        return new HealthReport.Check("database", db.reachable(), details, Optional.ofNullable(db.problem()));
    }

    public HealthReport.Check storage() {
        StorageStatus.StorageReport st = storage.report();
        Map<String, String> details = new LinkedHashMap<>();
        details.put("driver", st.driver());
        // healthy either way: a read-only registry serves pulls, and load balancers must keep sending them
        details.put("readOnly", readOnly());
        if (!st.writable()) {
            details.put("problem", STORAGE_DOWN);
        }
        return new HealthReport.Check("storage", st.writable(), details, Optional.ofNullable(st.problem()));
    }

    private String readOnly() {
        try {
            return String.valueOf(mode.get().readOnly());
        } catch (RuntimeException e) {
            // the database check says why
            return "unknown";
        }
    }

    private static void putIfPresent(Map<String, String> map, String key, String value) {
        if (value != null) {
            map.put(key, value);
        }
    }
}
