package dev.berth.deploy.runtime;

import dev.berth.adapters.db.JpaTransactions;
import dev.berth.adapters.db.MetadataDatabase;
import dev.berth.adapters.db.PostgresActivityStore;
import dev.berth.adapters.db.PostgresNotificationStore;
import dev.berth.adapters.db.PostgresRetentionStore;
import dev.berth.adapters.http.JdkWebhookSender;
import dev.berth.application.event.ActivityCounter;
import dev.berth.application.event.ConfigureNotificationEndpoints;
import dev.berth.application.event.DeliverEvents;
import dev.berth.application.event.EnvelopeFormat;
import dev.berth.application.event.EventAction;
import dev.berth.application.event.EventSource;
import dev.berth.application.event.NotificationEndpoint;
import dev.berth.application.event.PruneDeliveredEvents;
import dev.berth.application.port.NotificationStore;
import dev.berth.application.port.Transactions;
import dev.berth.application.retention.TagPulls;
import dev.berth.deploy.config.BerthConfig;

import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.stream.Collectors;

/**
 * Start-up area "events and activity": this node as the source of events, the pushes and pulls
 * counted in memory for the dashboard, and webhook notifications delivered from the outbox.
 */
final class RuntimeEvents {

    static final Duration ACTIVITY_FLUSH = Duration.ofSeconds(10);

    private EventSource source;
    /** Pushes and pulls counted in memory, flushed to the database every {@link #ACTIVITY_FLUSH}. */
    private ActivityCounter activity;
    /** When tags were pulled, noted in memory and written with the activity counts. */
    private TagPulls tagPulls;
    private ScheduledExecutorService activityFlush;
    private NotificationWorker notificationWorker;
    /** The pull-through cache's pull times and eviction, run after each flush of the counts. */
    private Runnable cachedPulls;

    void start(BerthConfig config, MetadataDatabase database, Clock clock, Runnable cachedPulls) {
        source = new EventSource(LocalHost.name() + ":" + config.http().port(), UUID.randomUUID().toString());
        this.cachedPulls = cachedPulls;
        startCountingActivity(database, clock);
        startNotifications(config, database, clock);
    }

    /** The dashboard's pushes and pulls of today, without a database write per pull. */
    private void startCountingActivity(MetadataDatabase database, Clock clock) {
        activity = new ActivityCounter(new PostgresActivityStore(database), clock);
        tagPulls = new TagPulls(new PostgresRetentionStore(database), clock);
        activityFlush = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("berth-activity").daemon().factory());
        activityFlush.scheduleWithFixedDelay(this::flushActivity, ACTIVITY_FLUSH.toMillis(), ACTIVITY_FLUSH.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** Seeds the configured endpoints and starts delivering: events queued before a crash go out now. */
    private void startNotifications(BerthConfig config, MetadataDatabase database, Clock clock) {
        NotificationStore store = new PostgresNotificationStore(database);
        Transactions transactions = new JpaTransactions(database);
        new ConfigureNotificationEndpoints(store, transactions).configure(
                config.notifications().endpoints().stream().map(RuntimeEvents::endpoint).toList());
        notificationWorker = new NotificationWorker(
                new DeliverEvents(store, new JdkWebhookSender(), transactions, clock),
                new PruneDeliveredEvents(store, clock), config.notifications().retention());
        config.notifications().endpoints().forEach(e -> BerthRuntime.LOG.info("Notifications: endpoint " + e));
    }

    private static NotificationEndpoint endpoint(BerthConfig.Endpoint e) {
        return new NotificationEndpoint(e.name(), e.url(), e.headers(), e.timeout(), e.threshold(), e.backoff(),
                e.ignoredMediaTypes(), e.ignoredActions().stream().map(EventAction::parse).collect(Collectors.toSet()),
                EnvelopeFormat.parse(e.format()), e.signingKey(), e.disabled());
    }

    /** A failed flush keeps its counts for the next one: log it and go on. */
    private void flushActivity() {
        try {
            activity.flush();
        } catch (RuntimeException e) {
            BerthRuntime.LOG.log(Level.FINE, "Flushing push and pull counts failed; retrying", e);
        }
        try {
            tagPulls.flush();
        } catch (RuntimeException e) {
            BerthRuntime.LOG.log(Level.FINE, "Writing tag pull times failed; retrying", e);
        }
        try {
            cachedPulls.run();
        } catch (RuntimeException e) {
            BerthRuntime.LOG.log(Level.WARNING, "Pull-through cache: recording pulls or evicting failed; retrying", e);
        }
    }

    /** Null before boot, as a dependent producer may answer. */
    EventSource source() {
        return source;
    }

    /** One per JVM: every use case that counts or reads counts shares it. */
    ActivityCounter activity() {
        return activity;
    }

    /** One per JVM, like the activity counter. */
    TagPulls tagPulls() {
        return tagPulls;
    }

    /** Delivery stops; the last counts are written while the database is still there. */
    void stop() {
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
    }
}
