package dev.berth.application.port;

import dev.berth.application.browse.NamespaceSummary;
import dev.berth.application.browse.RepositorySort;
import dev.berth.application.browse.RepositorySummary;
import dev.berth.domain.Digest;
import dev.berth.domain.RepositoryName;

import java.util.List;
import java.util.Optional;

/** Port: which image repositories exist. A repository exists from its first upload or push. */
public interface RepositoryCatalog {

    /** Creates the repository if it does not exist yet; safe under concurrency. */
    void ensure(RepositoryName name);

    boolean exists(RepositoryName name);

    /**
     * Up to {@code limit} names the filter lets through in lexical (byte) order, strictly after
     * {@code after} when present: one query, the store filters (the catalog of a caller who may see
     * little must not walk the whole table). Cost is O(limit) for an unfiltered list.
     */
    List<RepositoryName> list(RepositoryFilter filter, Optional<String> after, int limit);

    /**
     * Up to {@code limit} repositories the filter lets through, skipping {@code offset}, with their
     * numbers, in {@link RepositorySort#order}. Cost is O(offset + limit) for an unfiltered sort: the
     * numbers are kept up to date, never computed here.
     */
    List<RepositorySummary> browse(RepositoryFilter filter, RepositorySort sort, boolean descending, int offset,
                                   int limit);

    /** How many repositories the filter lets through. */
    long count(RepositoryFilter filter);

    /**
     * The first path components of the names with a '/' that the filter lets through, with how many
     * of those repositories each has, in byte order, at most {@code limit}.
     */
    List<NamespaceSummary> namespaces(RepositoryFilter filter, int limit);

    Optional<RepositorySummary> summary(RepositoryName name);

    /**
     * Deletes the repository with its tags, manifests, blob links and upload sessions, at once (the
     * blobs themselves stay for garbage collection). Manifests pushed concurrently either go too or
     * fail.
     *
     * @return the digests of the manifests that went, every index before the manifests it lists; empty
     * when there was no such repository
     */
    Optional<List<Digest>> delete(RepositoryName name);

    /** The whole registry's numbers. */
    Totals totals();

    /** @param storedBytes distinct blobs, each counted once, plus manifests */
    record Totals(long repositories, long tags, long manifests, long blobs, long storedBytes) {
    }
}
