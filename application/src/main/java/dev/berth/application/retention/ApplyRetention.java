package dev.berth.application.retention;

import dev.berth.application.access.Administration;
import dev.berth.application.browse.DeleteImages;
import dev.berth.application.maintenance.MaintenanceMode;
import dev.berth.application.port.AuditLog;
import dev.berth.application.port.ManifestStore;
import dev.berth.application.port.RetentionStore;
import dev.berth.application.port.TagStore;
import dev.berth.application.port.Transactions;
import dev.berth.application.registry.RepositoryGuard;
import dev.berth.domain.access.Caller;
import dev.berth.domain.error.RegistryException;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * Use case: delete what the retention policies do not keep, through the same deletion as the admin
 * UI and the registry API (events, audit); the bytes are left to garbage collection. Each tag is
 * deleted under its row lock and only if it still points where the plan saw it, so a push that
 * moves a tag meanwhile keeps it.
 */
@Dependent
public class ApplyRetention {

    private static final Logger LOG = Logger.getLogger(ApplyRetention.class.getName());

    private final PlanRetention planner;
    private final RetentionStore retention;
    private final TagStore tags;
    private final ManifestStore manifests;
    private final DeleteImages deleteImages;
    private final RepositoryGuard guard;
    private final MaintenanceMode mode;
    private final Transactions transactions;
    private final AuditLog audit;
    private final Clock clock;

    @Inject
    public ApplyRetention(PlanRetention planner, RetentionStore retention, TagStore tags, ManifestStore manifests,
                          DeleteImages deleteImages, RepositoryGuard guard, MaintenanceMode mode,
                          Transactions transactions, AuditLog audit, Clock clock) {
        this.mode = mode;
        this.planner = planner;
        this.retention = retention;
        this.tags = tags;
        this.manifests = manifests;
        this.deleteImages = deleteImages;
        this.guard = guard;
        this.transactions = transactions;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * @return what was deleted ({@link ExpiredTag#manifestToo} when its manifest went too)
     * @throws dev.berth.domain.error.UnsupportedException when deletes are disabled or the registry is read-only
     */
    public List<ExpiredTag> apply(Caller caller, String address) {
        Administration.requireAdmin(caller);
        guard.requireDeletesEnabled();
        // refused as a whole rather than tag by tag, each deletion refused and logged
        mode.requireWritable();
        List<ExpiredTag> deleted = new ArrayList<>();
        for (ExpiredTag expired : planner.plan()) {
            try {
                boolean tagGone = transactions.inTransaction(() -> {
                    if (!retention.lockTag(expired.repository(), expired.tag(), expired.digest())) {
                        return false;
                    }
                    deleteImages.tag(caller, address, expired.repository(), expired.tag());
                    return true;
                });
                if (tagGone) {
                    deleted.add(new ExpiredTag(expired.repository(), expired.tag(), expired.digest(),
                            expired.manifestToo() && deleteManifest(caller, address, expired)));
                }
            } catch (RegistryException e) {
                // deleted or changed by someone else meanwhile: the next run judges it again
                LOG.info(() -> "Retention skipped " + expired.repository() + ":" + expired.tag() + ": " + e.getMessage());
            }
        }
        long manifestsGone = deleted.stream().filter(ExpiredTag::manifestToo).count();
        Administration.audit(audit, clock.instant(), caller, address, "retention.run", "", true,
                deleted.size() + " tags and " + manifestsGone + " manifests deleted");
        return deleted;
    }

    /** Under the manifest's lock: no tag can be set on it meanwhile. */
    private boolean deleteManifest(Caller caller, String address, ExpiredTag expired) {
        return transactions.inTransaction(() -> {
            if (!retention.lockManifest(expired.repository(), expired.digest())
                    || !tags.tagsOf(expired.repository(), expired.digest()).isEmpty()
                    || manifests.isChildOfAnother(expired.repository(), expired.digest())) {
                return false;
            }
            deleteImages.manifest(caller, address, expired.repository(), expired.digest());
            return true;
        });
    }
}
