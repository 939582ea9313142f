package dev.berth.application.system;

import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Port: what the metadata database is and whether it answers. Implemented by the PostgreSQL adapter. */
public interface DatabaseStatus {

    DatabaseReport report();

    /**
     * @param mode          "embedded" or "external"
     * @param location      where it is, without credentials (host:port/database, data directory)
     * @param schemaVersion the last applied migration, or null when unreachable
     * @param installationId identifies this registry's metadata: created once by the first migration
     * @param durability     the server's crash-safety settings by name (fsync, synchronous_commit,
     *                       full_page_writes: "on" or "off"); empty when unreachable
     */
    record DatabaseReport(String mode, String location, boolean reachable, String schemaVersion,
                          String installationId, String problem, Map<String, String> durability) {

        public DatabaseReport {
            durability = Map.copyOf(durability);
        }

        public DatabaseReport(String mode, String location, boolean reachable, String schemaVersion,
                              String installationId, String problem) {
            this(mode, location, reachable, schemaVersion, installationId, problem, Map.of());
        }

        /** Every crash-safety setting reported, and each "on". */
        public boolean durable() {
            return !durability.isEmpty() && durability.values().stream().allMatch("on"::equals);
        }

        /** The settings by name, e.g. "fsync on, full_page_writes on, synchronous_commit on". */
        public String durabilitySettings() {
            return new TreeMap<>(durability).entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                    .collect(Collectors.joining(", "));
        }
    }
}
