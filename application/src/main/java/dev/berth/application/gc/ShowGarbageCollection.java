package dev.berth.application.gc;

import dev.berth.application.port.GarbageCollectionStore;
import dev.berth.application.port.GarbageCollectionStore.QueueStatus;
import dev.berth.application.port.GarbageCollectionStore.Run;
import dev.berth.domain.access.Caller;
import dev.berth.domain.error.DeniedException;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.util.Optional;

/** Use case: what garbage collection did last and what waits for it, for administrators. */
@Dependent
public class ShowGarbageCollection {

    private final GarbageCollectionStore store;

    @Inject
    public ShowGarbageCollection(GarbageCollectionStore store) {
        this.store = store;
    }

    public Status show(Caller caller) {
        if (!caller.admin()) {
            throw new DeniedException(caller.name() + " is not an administrator");
        }
        return new Status(store.lastRun(), store.queueStatus());
    }

    public record Status(Optional<Run> lastRun, QueueStatus queue) {
    }
}
