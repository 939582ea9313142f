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
 * {@code berth.jar check} runs. It only reads: nothing is changed.
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

    /** @param verify also read every blob and compare its digest (reads all content: slow for big stores) */
    public Report check(boolean verify) {
        long blobs = 0;
        long bytes = 0;
        long problemCount = 0;
        List<Problem> problems = new ArrayList<>();
        Optional<Digest> after = Optional.empty();
        List<BlobLinkStore.StoredBlob> page;
        do {
            page = metadata.blobsAfter(after, PAGE);
            for (BlobLinkStore.StoredBlob blob : page) {
                blobs++;
                bytes += blob.size();
                Optional<String> problem = problem(blob, verify);
                if (problem.isPresent()) {
                    problemCount++;
                    if (problems.size() < REPORTED) {
                        problems.add(new Problem(blob.digest(), problem.get()));
                    }
                }
                after = Optional.of(blob.digest());
            }
        } while (page.size() == PAGE);
        return new Report(blobs, bytes, verify, problemCount, List.copyOf(problems));
    }

    private Optional<String> problem(BlobLinkStore.StoredBlob blob, boolean verify) {
        try {
            OptionalLong stored = storage.size(blob.digest());
            if (stored.isEmpty()) {
                return Optional.of("missing from storage (recorded " + blob.size() + " bytes)");
            }
            if (stored.getAsLong() != blob.size()) {
                return Optional.of("stored with " + stored.getAsLong() + " bytes, recorded " + blob.size());
            }
            if (verify) {
                Digest actual = digestOf(blob);
                if (!actual.equals(blob.digest())) {
                    return Optional.of("content hashes to " + actual);
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("cannot be read: " + e.getMessage());
        }
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

    /** @param problems the first {@link #REPORTED} of {@code problemCount} */
    public record Report(long blobs, long bytes, boolean verified, long problemCount, List<Problem> problems) {

        public boolean consistent() {
            return problemCount == 0;
        }
    }

    public record Problem(Digest digest, String what) {
    }
}
