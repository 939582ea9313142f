package dev.berth.application.usage;

import dev.berth.application.port.StorageUsageStore;
import dev.berth.domain.Digest;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.error.DeniedException;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.util.Optional;

/**
 * The namespace quotas, checked by the push use cases inside their transaction before anything is
 * kept: the namespace's usage row stays locked until the push commits, so concurrent pushes are
 * checked one after the other against exact numbers. Namespaces without a quota lock nothing.
 */
@Dependent
public class QuotaGuard {

    private final StorageUsageStore usage;

    @Inject
    public QuotaGuard(StorageUsageStore usage) {
        this.usage = usage;
    }

    /** The namespace a repository counts for: the first component of its name. */
    public static String namespaceOf(RepositoryName repository) {
        return repository.components().getFirst();
    }

    /** Whether the repository's namespace has a quota now (no lock: to choose the careful path). */
    public boolean limits(RepositoryName repository) {
        return usage.namespace(namespaceOf(repository)).map(QuotaGuard::hasQuota).orElse(false);
    }

    /** A blob about to be linked to the repository: free when the namespace links it already. */
    public void admitBlob(RepositoryName repository, Digest digest, long size) {
        String namespace = namespaceOf(repository);
        usage.lockQuota(namespace).ifPresent(current ->
                requireRoom(current, usage.holds(namespace, digest) ? 0 : size));
    }

    /** A manifest payload about to be stored ({@code size} 0 when the repository has it already). */
    public void admitManifest(RepositoryName repository, long size) {
        usage.lockQuota(namespaceOf(repository)).ifPresent(current -> requireRoom(current, size));
    }

    /** A repository about to be created. */
    public void admitRepository(RepositoryName repository) {
        Optional<NamespaceUsage> locked = usage.lockQuota(namespaceOf(repository));
        locked.ifPresent(current -> current.quotaRepositories().ifPresent(max -> {
            if (current.repositories() + 1 > max) {
                throw new DeniedException("repository quota exceeded: namespace " + current.namespace()
                        + " may have " + max + " repositories and has " + current.repositories(),
                        "cannot create " + repository);
            }
        }));
    }

    private static void requireRoom(NamespaceUsage current, long adding) {
        current.quotaBytes().ifPresent(max -> {
            if (adding > 0 && current.storedBytes() + adding > max) {
                throw new DeniedException("storage quota exceeded: namespace " + current.namespace() + " may store "
                        + max + " bytes (" + Sizes.text(max) + "), stores " + current.storedBytes()
                        + " and this push adds " + adding, "quota of namespace " + current.namespace());
            }
        });
    }

    private static boolean hasQuota(NamespaceUsage namespace) {
        return namespace.quotaBytes().isPresent() || namespace.quotaRepositories().isPresent();
    }
}
