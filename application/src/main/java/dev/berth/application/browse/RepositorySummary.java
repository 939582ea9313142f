package dev.berth.application.browse;

import dev.berth.domain.RepositoryName;

import java.time.Instant;
import java.util.Optional;

/**
 * One row of the repository grid.
 *
 * @param storedBytes what the registry stores for the repository: the distinct blobs linked to it
 *                    (a blob shared with other repositories counts in each) plus its manifests
 * @param lastPush    when a manifest was last pushed or a tag last set; empty before the first push
 */
public record RepositorySummary(RepositoryName name, long tags, long manifests, long storedBytes,
                                Optional<Instant> lastPush) {
}
