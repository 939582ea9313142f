package dev.berth.application.retention;

import dev.berth.domain.Digest;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.Tag;

/**
 * A tag retention deletes (or, in a dry run, would delete).
 *
 * @param manifestToo whether its manifest goes with it: no other tag points at it and no index lists it
 */
public record ExpiredTag(RepositoryName repository, Tag tag, Digest digest, boolean manifestToo) {
}
