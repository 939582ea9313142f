package dev.berth.application.browse;

import java.time.Instant;
import java.util.Optional;

/** One step of an image's build history, from its config. */
public record HistoryEntry(Optional<Instant> created, String createdBy, String comment, boolean emptyLayer) {
}
