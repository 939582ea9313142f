package dev.berth.application.registry;

import dev.berth.application.event.RegistryEvents;
import dev.berth.application.maintenance.MaintenanceMode;
import dev.berth.application.port.ManifestStore;
import dev.berth.application.port.ManifestStore.PulledManifest;
import dev.berth.application.port.RetentionStore;
import dev.berth.application.port.Transactions;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * Use case: keep each upstream's cached images within its size limit. An upstream that stored
 * something since its last check and holds more than its {@code maxsize} loses its least recently
 * pulled images (a manifest and its tags; an index before the images it lists) until it fits. Only
 * metadata goes: garbage collection frees the blobs no manifest references any more, so a blob
 * another image (cached or pushed) still uses stays. Not a registry delete: it works with
 * {@code storage.delete.enabled} off, and emits the delete events a delete would.
 */
@Dependent
public class EvictPullThroughCache {

    private static final Logger LOG = Logger.getLogger(EvictPullThroughCache.class.getName());
    private static final int BATCH = 100;

    private final PullThroughCache cache;
    private final ManifestStore manifests;
    private final RetentionStore locks;
    private final RegistryEvents events;
    private final MaintenanceMode mode;
    private final Transactions transactions;

    @Inject
    public EvictPullThroughCache(PullThroughCache cache, ManifestStore manifests, RetentionStore locks,
                                 RegistryEvents events, MaintenanceMode mode, Transactions transactions) {
        this.cache = cache;
        this.manifests = manifests;
        this.locks = locks;
        this.events = events;
        this.mode = mode;
        this.transactions = transactions;
    }

    /** @return the manifests evicted, least recently pulled first */
    public List<PulledManifest> run() {
        if (mode.readOnly()) {
            return List.of();
        }
        List<PulledManifest> evicted = new ArrayList<>();
        for (ProxyRoute route : cache.takeGrown()) {
            try {
                evictBeyondLimit(route, evicted);
            } catch (RuntimeException e) {
                cache.stored(route); // checked again at the next run
                throw e;
            }
        }
        return evicted;
    }

    private void evictBeyondLimit(ProxyRoute route, List<PulledManifest> evicted) {
        long stored = manifests.storedBytes(route.prefix());
        long before = stored;
        int count = evicted.size();
        boolean progress = true;
        while (stored > route.maxBytes() && progress) {
            progress = false;
            for (PulledManifest oldest : manifests.leastRecentlyPulled(route.prefix(), BATCH)) {
                if (stored <= route.maxBytes()) {
                    break;
                }
                if (evict(oldest)) {
                    evicted.add(oldest);
                    cache.evicted.increment();
                    progress = true;
                    // exact rather than estimated: a blob another image shares frees nothing
                    stored = manifests.storedBytes(route.prefix());
                }
            }
        }
        if (evicted.size() > count) {
            LOG.info("Pull-through cache: evicted " + (evicted.size() - count) + " least recently pulled images of "
                    + route.upstream().describe() + " (" + before + " bytes stored, " + stored + " now, limit "
                    + route.maxBytes() + "); garbage collection frees their blobs");
        }
    }

    /** Under the manifest's lock; one an index lists meanwhile, or someone deleted, stays or is skipped. */
    private boolean evict(PulledManifest image) {
        return transactions.inTransaction(() -> {
            if (!locks.lockManifest(image.repository(), image.digest())
                    || manifests.isChildOfAnother(image.repository(), image.digest())
                    || !manifests.delete(image.repository(), image.digest())) {
                return false;
            }
            events.manifestDeleted(image.repository(), image.digest());
            return true;
        });
    }
}
