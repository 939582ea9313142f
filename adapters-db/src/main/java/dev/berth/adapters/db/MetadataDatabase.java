package dev.berth.adapters.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.PersistenceUnitTransactionType;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationState;
import org.hibernate.jpa.HibernatePersistenceConfiguration;
import org.hibernate.jpa.HibernatePersistenceProvider;

import javax.sql.DataSource;
import java.util.Arrays;
import java.util.List;

/**
 * The PostgreSQL metadata store: a connection pool, the schema migrated by Flyway, and Hibernate
 * bootstrapped by Berth itself (resource-local) so that start-up order is ours, not the server's.
 */
public final class MetadataDatabase implements AutoCloseable {

    /** Every entity of this adapter; Hibernate does not scan. */
    private static final List<Class<?>> ENTITIES = List.of(InstallationEntity.class, RepositoryEntity.class,
            BlobEntity.class, BlobLinkEntity.class, ManifestEntity.class, TagEntity.class, UploadSessionEntity.class);

    private final DatabaseSettings settings;
    private final HikariDataSource dataSource;
    private final EntityManagerFactory entityManagerFactory;
    private final Jpa jpa;
    private final ManifestCache manifestCache = new ManifestCache();
    private final WantedEvents wantedEvents = new WantedEvents();
    private MetadataChanges changes;
    private volatile Runnable upstreamsListener = () -> { };
    private volatile Runnable certificatesListener = () -> { };

    private MetadataDatabase(DatabaseSettings settings, HikariDataSource dataSource,
                             EntityManagerFactory entityManagerFactory) {
        this.settings = settings;
        this.dataSource = dataSource;
        this.entityManagerFactory = entityManagerFactory;
        this.jpa = new Jpa(entityManagerFactory);
    }

    /** Seals and opens the secrets the stores keep (outside the database: a dump alone does not open them). */
    SecretBox secrets() {
        return settings.secrets();
    }

    /** Connects, migrates the schema to the latest version, and builds the entity manager factory. */
    public static MetadataDatabase open(DatabaseSettings settings) {
        HikariDataSource dataSource = pool(settings);
        try {
            migrate(dataSource);
            return new MetadataDatabase(settings, dataSource, entityManagerFactory(dataSource));
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
    }

    private static HikariDataSource pool(DatabaseSettings settings) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("berth-metadata");
        // named, not looked up in DriverManager: in a web application the driver registered at
        // class-loading time may belong to another class loader (or be unregistered by the server)
        config.setDriverClassName(org.postgresql.Driver.class.getName());
        config.setJdbcUrl(settings.jdbcUrl());
        config.setUsername(settings.user());
        config.setPassword(settings.password());
        config.setMaximumPoolSize(settings.maxPoolSize());
        config.setMinimumIdle(Math.min(2, settings.maxPoolSize()));
        config.setAutoCommit(false);
        // fail start-up fast with the driver's own message when the database is unreachable
        config.setInitializationFailTimeout(10_000);
        // while PostgreSQL is away requests wait this long before answering 503 UNAVAILABLE
        config.setConnectionTimeout(5_000);
        return new HikariDataSource(config);
    }

    /**
     * Migrates forward. A schema migrated by a newer Berth is refused: this older code would write
     * rows its triggers and constraints do not expect (Flyway itself would ignore the "future"
     * migrations), so going back to an older version means restoring the backup taken before the
     * upgrade (deploy/docs/deployment.md#upgrades).
     */
    private static void migrate(DataSource dataSource) {
        Flyway flyway = Flyway.configure(MetadataDatabase.class.getClassLoader())
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .load();
        List<String> newer = Arrays.stream(flyway.info().all())
                .filter(m -> m.getState() == MigrationState.FUTURE_SUCCESS || m.getState() == MigrationState.FUTURE_FAILED)
                .map(m -> "V" + m.getVersion() + " " + m.getDescription()).toList();
        if (!newer.isEmpty()) {
            throw new IllegalStateException("the database's schema was migrated by a newer Berth (" + String.join(", ", newer)
                    + "); this version cannot run on it: run that newer version, or restore the backup taken before"
                    + " the upgrade (downgrades are not supported)");
        }
        flyway.migrate();
    }

    private static EntityManagerFactory entityManagerFactory(DataSource dataSource) {
        HibernatePersistenceConfiguration configuration = new HibernatePersistenceConfiguration("berth")
                .transactionType(PersistenceUnitTransactionType.RESOURCE_LOCAL)
                .property("hibernate.connection.datasource", dataSource)
                .property("hibernate.transaction.jta.platform",
                        "org.hibernate.engine.transaction.jta.platform.internal.NoJtaPlatform")
                // the schema belongs to Flyway
                .property("hibernate.hbm2ddl.auto", "none")
                // entities are listed in ENTITIES, never in orm.xml; and without XML mappings Hibernate needs
                // no JAXB, which only a full Jakarta EE server provides (tests run without one)
                .property("hibernate.xml_mapping_enabled", "false");
        ENTITIES.forEach(configuration::managedClass);
        // straight to Hibernate: Persistence.createEntityManagerFactory would pick the server's provider
        return new HibernatePersistenceProvider().createEntityManagerFactory(configuration);
    }

    public DatabaseSettings settings() {
        return settings;
    }

    /** The connection pool now, for the metrics. */
    public PoolUsage poolUsage() {
        var pool = dataSource.getHikariPoolMXBean();
        return pool == null ? new PoolUsage(0, 0, 0, settings.maxPoolSize())
                : new PoolUsage(pool.getActiveConnections(), pool.getIdleConnections(),
                pool.getThreadsAwaitingConnection(), settings.maxPoolSize());
    }

    /** @param waiting threads waiting for a connection */
    public record PoolUsage(int active, int idle, int waiting, int max) {
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public EntityManagerFactory entityManagerFactory() {
        return entityManagerFactory;
    }

    /**
     * Keeps manifests and the notification endpoints' filters in memory from now on, coherent with
     * every change to them by listening for V18's notifications. For the server, which serves the
     * same manifests again and again; an operator command reads each once and does not call this.
     */
    public synchronized void listenForChanges() {
        if (changes == null) {
            changes = MetadataChanges.start(settings, manifestCache, wantedEvents, this::upstreamsChanged,
                    () -> certificatesListener.run());
        }
    }

    /**
     * Runs {@code listener} when the admin UI's upstreams change on any node (V22's notice), and when
     * this node listens again after a lost connection (changes meanwhile went unheard). Only while it
     * {@link #listenForChanges listens}.
     */
    public void onUpstreamsChanged(Runnable listener) {
        upstreamsListener = listener;
    }

    /**
     * Runs {@code listener} when the shared TLS certificates change on any node (V23's notice), and when
     * this node listens again after a lost connection. Only while it {@link #listenForChanges listens}.
     */
    public void onCertificatesChanged(Runnable listener) {
        certificatesListener = listener;
    }

    private void upstreamsChanged() {
        upstreamsListener.run();
    }

    /** The manifest cache's hits and misses since start, for the metrics. */
    public CacheUsage manifestCacheUsage() {
        return new CacheUsage(manifestCache.hits(), manifestCache.misses());
    }

    public record CacheUsage(long hits, long misses) {
    }

    ManifestCache manifestCache() {
        return manifestCache;
    }

    WantedEvents wantedEvents() {
        return wantedEvents;
    }

    /** The transactions of this database, which its stores join. */
    Jpa jpa() {
        return jpa;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (changes != null) {
                changes.close();
                changes = null;
            }
        }
        try {
            entityManagerFactory.close();
        } finally {
            dataSource.close();
        }
    }
}
