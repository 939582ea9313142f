package dev.berth.adapters.db;

import dev.berth.application.event.EventAction;

import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Which events some enabled notification endpoint lets through, kept in memory so that a pull, which
 * changes no metadata, needs no transaction to find out that nobody wants to hear of it. Coherent as
 * {@link ManifestCache} is: used only while {@link MetadataChanges} listens, dropped at every change.
 */
final class WantedEvents {

    /** One enabled endpoint's ignore rules. */
    record Filter(Set<String> ignoredActions, Set<String> ignoredMediaTypes) {

        boolean lets(EventAction action, String mediaType) {
            return !ignoredActions.contains(action.wireName())
                    && (mediaType == null || !ignoredMediaTypes.contains(mediaType));
        }
    }

    private final AtomicLong generation = new AtomicLong();
    private volatile List<Filter> filters;
    private volatile boolean enabled;

    /** Whether some endpoint would take the event; {@code load} reads the enabled endpoints' filters. */
    boolean wanted(EventAction action, String mediaType, Supplier<List<Filter>> load) {
        if (!enabled) {
            return true;
        }
        List<Filter> known = filters;
        if (known == null) {
            long before = generation.get();
            known = load.get();
            filters = known;
            if (generation.get() != before || !enabled) {
                filters = null;
            }
        }
        return known.stream().anyMatch(filter -> filter.lets(action, mediaType));
    }

    /** Called in a transaction that changes endpoints: drops the filters once it commits. */
    void changedOnCommit(Jpa jpa) {
        jpa.afterCommit(this::changed);
    }

    void changed() {
        generation.incrementAndGet();
        filters = null;
    }

    void enable() {
        changed();
        enabled = true;
    }

    void disable() {
        enabled = false;
        changed();
    }
}
