package dev.berth.adapters.db;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Listens on its own connection for the notifications V18's triggers send when manifests, tags or
 * notification endpoints change, and drops what the caches hold of them; V22's (upstreams) and V23's
 * (TLS certificates) go to their listeners. The caches work only while
 * it listens: when the connection is lost they are disabled (changes meanwhile would go unheard)
 * and come back empty once it listens again.
 */
final class MetadataChanges implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(MetadataChanges.class.getName());
    static final String CHANNEL = "berth_metadata";
    private static final String REPOSITORY = "repository ";
    static final String ENDPOINTS = "endpoints";
    static final String UPSTREAMS = "upstreams";
    static final String CERTIFICATES = "certificates";
    /** How long one wait for notifications lasts: also how soon a lost connection is noticed. */
    private static final int POLL_MILLIS = 5_000;
    private static final Duration RETRY = Duration.ofSeconds(2);
    private static final Duration FIRST_ATTEMPT = Duration.ofSeconds(10);

    private final DatabaseSettings settings;
    private final ManifestCache manifests;
    private final WantedEvents wantedEvents;
    /** Reroutes the pull-through cache by the stored upstreams (V22): a listener that fails is logged, not fatal. */
    private final Runnable upstreamsChanged;
    /** Copies the shared TLS certificates (V23) to this node's files: a listener that fails is logged, not fatal. */
    private final Runnable certificatesChanged;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Connection connection;
    /** Counted down when the first attempt to listen has succeeded or failed. */
    private final CountDownLatch firstAttempt = new CountDownLatch(1);

    private MetadataChanges(DatabaseSettings settings, ManifestCache manifests, WantedEvents wantedEvents,
                            Runnable upstreamsChanged, Runnable certificatesChanged) {
        this.settings = settings;
        this.manifests = manifests;
        this.wantedEvents = wantedEvents;
        this.upstreamsChanged = upstreamsChanged;
        this.certificatesChanged = certificatesChanged;
        this.thread = Thread.ofPlatform().daemon().name("berth-metadata-changes").unstarted(this::listen);
    }

    /** Returns once it listens (or its first try failed and it goes on trying): the caches work from the first request. */
    static MetadataChanges start(DatabaseSettings settings, ManifestCache manifests, WantedEvents wantedEvents,
                                 Runnable upstreamsChanged, Runnable certificatesChanged) {
        MetadataChanges changes = new MetadataChanges(settings, manifests, wantedEvents, upstreamsChanged,
                certificatesChanged);
        changes.thread.start();
        try {
            changes.firstAttempt.await(FIRST_ATTEMPT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return changes;
    }

    private void listen() {
        boolean warned = false;
        while (running) {
            try (Connection listening = connect()) {
                connection = listening;
                try (Statement listen = listening.createStatement()) {
                    listen.execute("LISTEN " + CHANNEL);
                }
                // from here on every change is heard: what was cached before may be stale
                manifests.enable();
                wantedEvents.enable();
                firstAttempt.countDown();
                if (warned) {
                    LOG.info("Listening for metadata changes again: manifest cache on");
                    warned = false;
                    rerouteUpstreams();
                    run(certificatesChanged, "Copying the shared TLS certificates after a lost connection");
                }
                PGConnection pg = listening.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] notifications = pg.getNotifications(POLL_MILLIS);
                    if (notifications != null) {
                        for (PGNotification notification : notifications) {
                            apply(notification.getParameter());
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                manifests.disable();
                wantedEvents.disable();
                firstAttempt.countDown();
                if (running && !warned) {
                    LOG.log(Level.WARNING, "Not listening for metadata changes (" + e.getMessage()
                            + "): manifests are read from the database until it listens again");
                    warned = true;
                }
                pause();
            } finally {
                connection = null;
            }
        }
    }

    private void apply(String payload) {
        if (payload.startsWith(REPOSITORY)) {
            manifests.repositoryChanged(Long.parseLong(payload.substring(REPOSITORY.length())));
        } else if (payload.equals(ENDPOINTS)) {
            wantedEvents.changed();
        } else if (payload.equals(UPSTREAMS)) {
            rerouteUpstreams();
        } else if (payload.equals(CERTIFICATES)) {
            run(certificatesChanged, "Copying the TLS certificates another node changed");
        }
    }

    private void rerouteUpstreams() {
        run(upstreamsChanged, "Rerouting the pull-through cache after a change of its upstreams");
    }

    private static void run(Runnable listener, String what) {
        try {
            listener.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, what + " failed: " + e.getMessage(), e);
        }
    }

    /** Its own connection, outside the pool: it stays open for the application's life. */
    private Connection connect() throws SQLException {
        return settings.openOwnConnection("berth-metadata-changes");
    }

    private void pause() {
        try {
            Thread.sleep(RETRY);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    @Override
    public void close() {
        running = false;
        manifests.disable();
        wantedEvents.disable();
        Connection open = connection;
        if (open != null) {
            try {
                open.close();
            } catch (SQLException ignored) {
                // closing anyway
            }
        }
        thread.interrupt();
        try {
            thread.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
