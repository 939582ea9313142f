package dev.berth.application.gc;

import java.time.Duration;

/**
 * Garbage collection from configuration ({@code gc.*}).
 *
 * @param enabled        whether the background worker runs
 * @param interval       the time between the end of one run and the start of the next
 * @param reviewAfter    how long queued content waits before review ({@code gc.reviewafter}): a push
 *                       uploading layers and then its manifest within this time never races the collector
 * @param deleteUntagged whether manifests no tag and no index references are deleted
 * @param orphanGrace    how long content found in storage without a blob row must stay so before it goes
 */
public record GarbageCollectionSettings(boolean enabled, Duration interval, Duration reviewAfter,
                                        boolean deleteUntagged, Duration orphanGrace) {

    public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(5);
    public static final Duration DEFAULT_REVIEW_AFTER = Duration.ofHours(24);
    public static final Duration DEFAULT_ORPHAN_GRACE = Duration.ofHours(1);

    public GarbageCollectionSettings {
        if (interval.isNegative() || interval.isZero() || reviewAfter.isNegative() || orphanGrace.isNegative()) {
            throw new IllegalArgumentException("the interval must be positive, the delays not negative");
        }
    }
}
