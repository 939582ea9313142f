package dev.berth.application.usage;

import dev.berth.application.access.Administration;
import dev.berth.application.port.AuditLog;
import dev.berth.application.port.StorageUsageStore;
import dev.berth.application.port.Transactions;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.access.Caller;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.time.Clock;

/**
 * Use case: an administrator sets or removes a namespace's quota. It holds back later pushes only:
 * what a namespace stores already stays, even above a lowered quota.
 */
@Dependent
public class SetNamespaceQuota {

    private final StorageUsageStore usage;
    private final Transactions transactions;
    private final AuditLog audit;
    private final Clock clock;

    @Inject
    public SetNamespaceQuota(StorageUsageStore usage, Transactions transactions, AuditLog audit, Clock clock) {
        this.usage = usage;
        this.transactions = transactions;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * @param namespace a repository name's first path component
     * @throws IllegalArgumentException when the namespace has a '/'
     * @throws dev.berth.domain.error.NameInvalidException when it is no valid name
     */
    public void set(Caller caller, String address, String namespace, Quota quota) {
        Administration.requireAdmin(caller);
        if (namespace.contains("/")) {
            throw new IllegalArgumentException("a namespace is one path component, without '/'");
        }
        RepositoryName.parse(namespace);
        transactions.run(() -> {
            usage.setQuota(namespace, quota);
            Administration.audit(audit, clock.instant(), caller, address, "quota.set", namespace, true,
                    quota.limits() ? describe(quota) : "no quota");
        });
    }

    private static String describe(Quota quota) {
        return quota.maxBytes().stream().mapToObj(b -> b + " bytes (" + Sizes.text(b) + ")").findFirst()
                .orElse("any size") + ", " + quota.maxRepositories().stream().mapToObj(r -> r + " repositories")
                .findFirst().orElse("any number of repositories");
    }
}
