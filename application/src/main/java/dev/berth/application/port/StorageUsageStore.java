package dev.berth.application.port;

import dev.berth.application.usage.NamespaceUsage;
import dev.berth.application.usage.Quota;
import dev.berth.application.usage.RegistryUsage;
import dev.berth.domain.Digest;

import java.util.List;
import java.util.Optional;

/**
 * Port: deduplicated storage usage per namespace and for the registry, kept up to date by the store
 * as links, manifests and repositories change (never computed by walking them), and the namespaces'
 * quotas.
 */
public interface StorageUsageStore {

    RegistryUsage registry();

    /**
     * Namespaces that have repositories or a quota, largest (blobs plus manifests) first, ties by name,
     * skipping {@code offset}, at most {@code limit}.
     */
    List<NamespaceUsage> largest(int offset, int limit);

    long countNamespaces();

    /** Empty when the namespace has no repository and no quota. */
    Optional<NamespaceUsage> namespace(String namespace);

    /** Sets the namespace's quota ({@link Quota#NONE} removes it). */
    void setQuota(String namespace, Quota quota);

    /**
     * The namespace's usage when it has a quota, this transaction's pending changes included, with the
     * namespace's quota turn held until the enclosing transaction ends, so that what is checked against
     * it stays true until the push commits; empty (and nothing locked) when it has none.
     */
    Optional<NamespaceUsage> lockQuota(String namespace);

    /** Whether a repository of the namespace links the blob (then linking it again costs nothing). */
    boolean holds(String namespace, Digest digest);
}
