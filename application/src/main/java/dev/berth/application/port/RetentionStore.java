package dev.berth.application.port;

import dev.berth.application.retention.RetainedTag;
import dev.berth.application.retention.RetentionPolicy;
import dev.berth.domain.Digest;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.Tag;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Port: retention policies, the tag times they judge by, and which node runs them when. */
public interface RetentionStore {

    /** In the order they were added. */
    List<RetentionPolicy> policies();

    /**
     * @return the stored policy with its id
     * @throws IllegalArgumentException when a policy for the same repository pattern exists
     */
    RetentionPolicy add(RetentionPolicy policy, Instant at);

    /** @return whether there was such a policy */
    boolean remove(long id);

    /** Every tag of the repository with its push and pull time. */
    List<RetainedTag> tags(RepositoryName repository);

    /** Records when tags were pulled (a later time wins over an earlier one); tags that are gone are skipped. */
    void pulled(Map<TagRef, Instant> pulls);

    record TagRef(RepositoryName repository, Tag tag) {
    }

    /**
     * Locks the tag until the enclosing transaction ends, if it still points at {@code digest}: a
     * concurrent push that moves it waits, so retention never deletes what was pushed after its plan.
     *
     * @return whether the tag points at the digest
     */
    boolean lockTag(RepositoryName repository, Tag tag, Digest digest);

    /**
     * Locks the manifest until the enclosing transaction ends, so that no tag can be set on it
     * meanwhile (tagging waits for the lock).
     *
     * @return whether the repository has the manifest
     */
    boolean lockManifest(RepositoryName repository, Digest digest);

    /**
     * Claims the scheduled run: true for exactly one caller, on any node, per {@code interval} (the
     * last claim is older than {@code interval}, or there was none).
     */
    boolean claimRun(Instant now, Duration interval);
}
