package dev.berth.adapters.db;

import dev.berth.application.system.DatabaseStatus;
import jakarta.persistence.EntityManager;

import java.util.Map;

/** Reports the metadata database's reachability, schema version, installation id and crash-safety settings. */
public final class PostgresDatabaseStatus implements DatabaseStatus {

    private final MetadataDatabase database;

    public PostgresDatabaseStatus(MetadataDatabase database) {
        this.database = database;
    }

    @Override
    public DatabaseReport report() {
        DatabaseSettings settings = database.settings();
        try (EntityManager em = database.entityManagerFactory().createEntityManager()) {
            Object version = em.createNativeQuery("""
                    SELECT version FROM flyway_schema_history
                    WHERE success AND version IS NOT NULL
                    ORDER BY installed_rank DESC LIMIT 1""").getSingleResult();
            InstallationEntity installation = em.createQuery("SELECT i FROM InstallationEntity i",
                    InstallationEntity.class).getSingleResult();
            Object[] durability = (Object[]) em.createNativeQuery(
                    "SELECT current_setting('fsync'), current_setting('synchronous_commit'),"
                            + " current_setting('full_page_writes')").getSingleResult();
            return new DatabaseReport(settings.mode(), settings.location(), true, String.valueOf(version),
                    installation.id().toString(), null, Map.of("fsync", String.valueOf(durability[0]),
                    "synchronous_commit", String.valueOf(durability[1]),
                    "full_page_writes", String.valueOf(durability[2])));
        } catch (RuntimeException e) {
            return new DatabaseReport(settings.mode(), settings.location(), false, null, null, rootMessage(e));
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }
}
