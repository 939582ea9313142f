package dev.berth.application.registry;

import dev.berth.domain.Digest;
import dev.berth.domain.RepositoryName;

/** A blob a repository may see, with its size: what {@link GetBlob#find} checked, so reading it needs no second lookup. */
public record LinkedBlob(RepositoryName repository, Digest digest, long size) {
}
