package dev.berth.application.system;

import dev.berth.application.port.BlobLinkStore;
import dev.berth.application.port.BlobStore;
import dev.berth.domain.Digest;
import dev.berth.domain.Digester;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Use case: does the storage hold every blob the metadata records, at its recorded size — and, when
 * asked to verify, with content that still hashes to its digest (as zot's scrub)? What
 * {@code berth.jar check} runs.
 *
 * <p>Only reads, unless asked to repair. A repair never deletes metadata: content that is gone, or
 * whose bytes are wrong (a client would refuse them: they no longer match their digest), is marked
 * missing, so that the registry answers {@code BLOB_UNKNOWN} and the next push of it stores it
 * again, instead of the registry claiming it while serving nothing or the wrong bytes. Content
 * restored from a backup is unmarked once it checks out again.
 */
@Dependent
public class CheckStorage {

    /** Blobs read from the metadata at a time. */
    static final int PAGE = 1000;
    /** Problems kept for the report (all are counted). */
    static final int REPORTED = 1000;

    private final BlobLinkStore metadata;
    private final BlobStore storage;

    @Inject
    public CheckStorage(BlobLinkStore metadata, BlobStore storage) {
        this.metadata = metadata;
        this.storage = storage;
    }

    /**
     * @param verify also read every blob and compare its digest (reads all content: slow for big stores)
     * @param repair mark lost content missing (removing wrong bytes first) and unmark restored content
     */
    public Report check(boolean verify, boolean repair) {
        long blobs = 0;
        long bytes = 0;
        long problemCount = 0;
        long repairedCount = 0;
        List<Problem> problems = new ArrayList<>();
        Optional<Digest> after = Optional.empty();
        List<BlobLinkStore.StoredBlob> page;
        do {
            page = metadata.blobsAfter(after, PAGE);
            for (BlobLinkStore.StoredBlob blob : page) {
                blobs++;
                bytes += blob.size();
                Optional<Problem> problem = problem(blob, verify, repair);
                if (problem.isPresent()) {
                    problemCount++;
                    repairedCount += problem.get().repaired() ? 1 : 0;
                    if (problems.size() < REPORTED) {
                        problems.add(problem.get());
                    }
                }
                after = Optional.of(blob.digest());
            }
        } while (page.size() == PAGE);
        return new Report(blobs, bytes, verify, problemCount, repairedCount, List.copyOf(problems));
    }

    private Optional<Problem> problem(BlobLinkStore.StoredBlob blob, boolean verify, boolean repair) {
        Digest digest = blob.digest();
        try {
            OptionalLong stored = storage.size(digest);
            if (stored.isEmpty()) {
                String what = "missing from storage (recorded " + blob.size() + " bytes)";
                if (blob.markedMissing()) {
                    return Optional.of(new Problem(digest, what + ", marked missing: a push of it stores it again", false));
                }
                return Optional.of(repair ? markMissing(blob, what) : new Problem(digest, what, false));
            }
            Optional<String> wrong = wrongBytes(blob, stored.getAsLong(), verify);
            if (wrong.isPresent()) {
                return Optional.of(repair ? removeAndMarkMissing(blob, wrong.get()) : new Problem(digest, wrong.get(), false));
            }
            if (blob.markedMissing()) {
                // back at its size (and content, when verified): restored from a backup
                if (repair) {
                    metadata.recordBlob(digest, blob.size());
                    return Optional.of(new Problem(digest, "in storage again but marked missing; unmarked", true));
                }
                return Optional.of(new Problem(digest, "in storage again but marked missing (check --repair unmarks it)",
                        false));
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of(new Problem(digest, "cannot be read: " + e.getMessage(), false));
        }
    }

    private Optional<String> wrongBytes(BlobLinkStore.StoredBlob blob, long storedSize, boolean verify) throws IOException {
        if (storedSize != blob.size()) {
            return Optional.of("stored with " + storedSize + " bytes, recorded " + blob.size());
        }
        if (verify) {
            Digest actual = digestOf(blob);
            if (!actual.equals(blob.digest())) {
                return Optional.of("content hashes to " + actual);
            }
        }
        return Optional.empty();
    }

    /** Wrong bytes are removed first: storage keeps content it holds, so a push could not replace them. */
    private Problem removeAndMarkMissing(BlobLinkStore.StoredBlob blob, String wrong) {
        try {
            storage.delete(blob.digest());
        } catch (IOException e) {
            return new Problem(blob.digest(), wrong + "; could not be removed: " + e.getMessage(), false);
        }
        try {
            return markMissing(blob, wrong + "; removed");
        } catch (IOException e) {
            return new Problem(blob.digest(), wrong + "; removed and marked missing, storage then failed: "
                    + e.getMessage(), true);
        }
    }

    private Problem markMissing(BlobLinkStore.StoredBlob blob, String what) throws IOException {
        metadata.markMissing(blob.digest());
        if (storage.size(blob.digest()).orElse(-1) == blob.size()) {
            // a push stored it again between the look and the mark (a server beside the check): unmark
            metadata.recordBlob(blob.digest(), blob.size());
        }
        return new Problem(blob.digest(), what + "; marked missing: a push of it stores it again", true);
    }

    private Digest digestOf(BlobLinkStore.StoredBlob blob) throws IOException {
        Digester digester = blob.digest().algorithm().newDigester();
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = storage.read(blob.digest(), 0, blob.size())) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                digester.update(buffer, 0, n);
            }
        }
        return digester.finish();
    }

    /** @param problems the first {@link #REPORTED} of {@code problemCount}, of which {@code repairedCount} were repaired */
    public record Report(long blobs, long bytes, boolean verified, long problemCount, long repairedCount,
                         List<Problem> problems) {

        public boolean consistent() {
            return problemCount == 0;
        }
    }

    /** @param repaired whether this run's repair settled it (the content still has to be pushed again) */
    public record Problem(Digest digest, String what, boolean repaired) {
    }
}
