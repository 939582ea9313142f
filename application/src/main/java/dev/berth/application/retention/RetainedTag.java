package dev.berth.application.retention;

import dev.berth.domain.Digest;
import dev.berth.domain.Tag;

import java.time.Instant;
import java.util.Optional;

/**
 * A tag as retention sees it.
 *
 * @param pushedAt when the tag was last set
 * @param pulledAt when it was last pulled by its name, if ever since Berth records it
 */
public record RetainedTag(Tag tag, Digest digest, Instant pushedAt, Optional<Instant> pulledAt) {
}
