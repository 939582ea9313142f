package dev.berth.application.system;

/** Port: what the metadata database is and whether it answers. Implemented by the PostgreSQL adapter. */
public interface DatabaseStatus {

    DatabaseReport report();

    /**
     * @param mode          "embedded" or "external"
     * @param location      where it is, without credentials (host:port/database, data directory)
     * @param schemaVersion the last applied migration, or null when unreachable
     * @param installationId identifies this registry's metadata: created once by the first migration
     */
    record DatabaseReport(String mode, String location, boolean reachable, String schemaVersion,
                          String installationId, String problem) {
    }
}
