package dev.berth.application.system;

import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Use case: is this instance able to serve (metadata database reachable, storage writable)? */
@Dependent
public class CheckHealth {

    private final StorageStatus storage;
    private final DatabaseStatus database;

    @Inject
    public CheckHealth(StorageStatus storage, DatabaseStatus database) {
        this.storage = storage;
        this.database = database;
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
        putIfPresent(details, "problem", db.problem());
        // whether an acknowledged push survives a crash or power loss, for operators to see
        new TreeMap<>(db.durability()).forEach(details::put);
        return new HealthReport.Check("database", db.reachable(), details);
    }

    public HealthReport.Check storage() {
        StorageStatus.StorageReport st = storage.report();
        Map<String, String> details = new LinkedHashMap<>();
        details.put("driver", st.driver());
        putIfPresent(details, "problem", st.problem());
        return new HealthReport.Check("storage", st.writable(), details);
    }

    private static void putIfPresent(Map<String, String> map, String key, String value) {
        if (value != null) {
            map.put(key, value);
        }
    }
}
