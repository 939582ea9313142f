package dev.berth.deploy.runtime;

import dev.berth.application.gc.CollectGarbage;
import dev.berth.application.port.GarbageCollectionStore;
import dev.berth.application.port.GarbageCollectionStore.Run;
import dev.berth.deploy.config.BerthConfig;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code berth.jar gc [--dry-run] [--delete-untagged]}: runs one garbage collection under the same
 * lease as the nodes' workers, prints what it freed (or would free) and exits 0 when done, 1 when content it condemned could not be deleted
 * (the next run retries), 2 when it could not run. It honours {@code gc.reviewafter} like the worker
 * (deploy/docs/garbage-collection.md says why).
 */
final class GarbageCollectionCommand {

    private GarbageCollectionCommand() {
    }

    /** @return the exit status */
    static int run(CollectGarbage collect, GarbageCollectionStore store, BerthConfig.Gc settings, boolean dryRun,
                   boolean deleteUntagged) {
        boolean untagged = deleteUntagged || settings.deleteUntagged();
        int status;
        try {
            System.out.println("berth: collecting garbage" + (dryRun ? " (dry run: deleting nothing)" : "")
                    + ", reviewing what was queued " + text(settings.reviewAfter()) + " ago or earlier"
                    + (untagged ? ", untagged manifests included" : "") + " ...");
            Optional<Run> done = collect.collect("system", dryRun, untagged);
            // a node collecting now, or one that died holding the lease: wait for it, as long as a lease lasts
            for (long waited = 0; done.isEmpty() && waited < CollectGarbage.LEASE.toSeconds(); waited += 5) {
                if (waited == 0) {
                    System.out.println("berth: another Berth node is collecting garbage; waiting for it to finish ...");
                }
                Thread.sleep(5_000);
                done = collect.collect("system", dryRun, untagged);
            }
            if (done.isEmpty()) {
                System.out.println("berth: another Berth node is still collecting garbage; try again later");
                status = 2;
            } else if (done.get().skipped().isPresent()) {
                System.out.println("berth: nothing collected: " + done.get().skipped().get());
                status = 2;
            } else {
                Run run = done.get();
                System.out.println("berth: " + (dryRun ? "would free " : "freed ") + GarbageCollectionWorker.describe(run)
                        + "; " + (run.bytesFreed() + run.orphanBytes()) + " bytes in all, in "
                        + Duration.between(run.startedAt(), run.finishedAt()).toMillis() + " ms");
                long left = store.queueStatus().pendingDeletions();
                if (!dryRun && left > 0) {
                    System.out.println("berth: " + left + " condemned blobs could not be deleted from storage; the next run retries");
                }
                status = !dryRun && left > 0 ? 1 : 0;
            }
        } catch (RuntimeException e) {
            System.out.println("berth: garbage collection could not run: " + e.getMessage());
            status = 2;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            status = 2;
        }
        return status;
    }

    /** e.g. "24h", "0s" */
    private static String text(Duration duration) {
        return duration.toString().substring(2).toLowerCase(Locale.ROOT);
    }
}
