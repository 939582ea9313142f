package dev.berth.application.maintenance;

import java.time.Duration;
import java.util.Objects;

/**
 * Maintenance settings from configuration ({@code storage.maintenance}).
 *
 * @param readOnlyForced     {@code readonly.enabled}: read-only whatever the admin switch says
 * @param purgeUploads       {@code uploadpurging.enabled}: abandoned uploads are removed on a schedule
 * @param purgeAge           {@code uploadpurging.age}: an upload untouched this long is abandoned
 * @param purgeInterval      {@code uploadpurging.interval}: how often one node of the registry purges
 * @param purgeDryRun        {@code uploadpurging.dryrun}: report what would go, remove nothing
 */
public record MaintenanceSettings(boolean readOnlyForced, boolean purgeUploads, Duration purgeAge,
                                  Duration purgeInterval, boolean purgeDryRun) {

    /** Distribution's defaults: purge uploads older than a week, once a day. */
    public static final MaintenanceSettings DEFAULTS = new MaintenanceSettings(false, true, Duration.ofHours(168),
            Duration.ofHours(24), false);

    public MaintenanceSettings {
        Objects.requireNonNull(purgeAge);
        Objects.requireNonNull(purgeInterval);
        if (purgeAge.isNegative() || purgeAge.isZero() || purgeInterval.isNegative() || purgeInterval.isZero()) {
            throw new IllegalArgumentException("upload purging age and interval must be positive");
        }
    }
}
