package dev.berth.application.retention;

import dev.berth.application.port.RetentionStore;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.Tag;

import java.time.Clock;

/**
 * When tags were last pulled, for the keep-pulled-within rule. The pull path is hot, so a pull only
 * notes the time in memory; {@link #flush} (every few seconds and at shutdown, by the composition
 * root) writes what was noted in one batched update ({@link PendingPulls}). One instance per JVM.
 */
public class TagPulls {

    private final RetentionStore store;
    private final Clock clock;
    private final PendingPulls<RetentionStore.TagRef> pending = new PendingPulls<>();

    public TagPulls(RetentionStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public void pulled(RepositoryName repository, Tag tag) {
        pending.pulled(new RetentionStore.TagRef(repository, tag), clock.instant());
    }

    /** Writes the noted pulls; what could not be written is noted again for the next flush, and the failure thrown. */
    public void flush() {
        pending.flush(store::pulled);
    }
}
