package dev.berth.application.maintenance;

import dev.berth.application.port.MaintenanceStore;
import dev.berth.domain.error.UnsupportedException;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

/**
 * Whether the registry is in read-only mode: forced by configuration ({@code storage.maintenance.readonly})
 * or switched on by an administrator (shared by every node). Every use case that writes metadata or
 * storage asks it first; garbage collection and upload purging consult it before deleting anything.
 */
@Dependent
public class MaintenanceMode {

    private final MaintenanceStore store;
    private final MaintenanceSettings settings;

    @Inject
    public MaintenanceMode(MaintenanceStore store, MaintenanceSettings settings) {
        this.store = store;
        this.settings = settings;
    }

    public boolean readOnly() {
        return settings.readOnlyForced() || store.readOnly();
    }

    /** Whether configuration holds the registry read-only, so that the admin switch cannot turn it off. */
    public boolean forcedByConfiguration() {
        return settings.readOnlyForced();
    }

    /** @throws UnsupportedException (405 UNSUPPORTED, as Distribution's 405) in read-only mode */
    public void requireWritable() {
        if (readOnly()) {
            throw UnsupportedException.readOnly();
        }
    }
}
