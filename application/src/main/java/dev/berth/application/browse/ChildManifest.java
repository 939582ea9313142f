package dev.berth.application.browse;

import dev.berth.domain.Digest;
import dev.berth.domain.manifest.MediaType;
import dev.berth.domain.manifest.Platform;

import java.util.Optional;

/** A manifest an index lists, as the index describes it. */
public record ChildManifest(Digest digest, MediaType mediaType, long size, Optional<Platform> platform) {
}
