package dev.berth.deploy.runtime;

import dev.berth.adapters.db.MetadataDatabase;
import dev.berth.adapters.db.PostgresBlobLinkStore;
import dev.berth.application.port.BlobStore;
import dev.berth.application.system.CheckStorage;

/**
 * {@code berth.jar check [--verify] [--repair]}: checks every recorded blob against storage, prints
 * each problem (and what the repair did), and exits 0 when consistent, 1 when not, 2 when the check
 * could not run.
 */
final class CheckCommand {

    private CheckCommand() {
    }

    /** @return the exit status */
    static int run(MetadataDatabase database, BlobStore storage, boolean verify, boolean repair) {
        try {
            System.out.println("berth: checking " + storage.driverName() + " " + storage.location() + " against the metadata"
                    + (verify ? ", re-hashing every blob" : "") + (repair ? ", repairing" : "") + " ...");
            CheckStorage.Report report = new CheckStorage(new PostgresBlobLinkStore(database), storage)
                    .check(verify, repair);
            report.problems().forEach(p -> System.out.println("berth: " + p.digest() + ": " + p.what()));
            if (report.problemCount() > report.problems().size()) {
                System.out.println("berth: ... and " + (report.problemCount() - report.problems().size()) + " more");
            }
            System.out.println("berth: checked " + report.blobs() + " blobs (" + report.bytes() + " bytes), "
                    + (verify ? "sizes and digests" : "sizes") + ": "
                    + (report.consistent() ? "consistent" : report.problemCount() + " problems")
                    + (repair ? ", " + report.repairedCount() + " repaired" : ""));
            return report.consistent() ? 0 : 1;
        } catch (RuntimeException e) {
            System.out.println("berth: the check could not run: " + e.getMessage());
            return 2;
        }
    }
}
