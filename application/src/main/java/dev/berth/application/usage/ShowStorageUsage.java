package dev.berth.application.usage;

import dev.berth.application.access.Administration;
import dev.berth.application.port.StorageUsageStore;
import dev.berth.domain.access.Caller;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.util.List;
import java.util.Optional;

/**
 * Use case: deduplicated storage usage of the registry and its namespaces, with their quotas, for
 * administrators. Read from numbers the store keeps up to date: no walk over manifests or links.
 */
@Dependent
public class ShowStorageUsage {

    private final StorageUsageStore usage;

    @Inject
    public ShowStorageUsage(StorageUsageStore usage) {
        this.usage = usage;
    }

    /** @throws dev.berth.domain.error.DeniedException when the caller is no administrator */
    public RegistryUsage registry(Caller caller) {
        Administration.requireAdmin(caller);
        return usage.registry();
    }

    /** Namespaces largest first. */
    public List<NamespaceUsage> largest(Caller caller, int offset, int limit) {
        Administration.requireAdmin(caller);
        return usage.largest(offset, limit);
    }

    public long countNamespaces(Caller caller) {
        Administration.requireAdmin(caller);
        return usage.countNamespaces();
    }

    public Optional<NamespaceUsage> namespace(Caller caller, String namespace) {
        Administration.requireAdmin(caller);
        return usage.namespace(namespace);
    }
}
